// The task side of a port-forward connection: a TCP connection or UDP sockets to a port inside the
// running task, copied to and from the router WebSocket.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import type { RawData, WebSocket } from 'ws';
import { decodeDatagram, encodeDatagram, peerKey, type Peer } from '../contract/datagram-frame.js';
import { frameBytes, pipeWebSocket, type HeldFrames, type PipeMeter } from '../contract/websocket-stream.js';

/** As upstream's task side: a server still starting gets 5 tries, 1 s apart. */
const CONNECT_ATTEMPTS = 5;
const CONNECT_PAUSE_MS = 1000;
/** A peer's UDP socket towards the task is closed after this long without traffic. */
const UDP_PEER_IDLE_MS = 120_000;
/** Peers served at once on one UDP forward; datagrams of further peers are dropped. */
const UDP_MAX_PEERS = 256;
/** Replies are dropped, not queued, while this much is waiting to go out on the WebSocket. */
const UDP_QUEUE_BYTES = 4 << 20;

function connectOnce(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, allowHalfOpen: true });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Connects to the task's port, retrying while its server starts; throws the last error. */
export async function connectTaskPort(host: string, port: number): Promise<Socket> {
  let last: unknown = null;
  for (let attempt = 0; attempt < CONNECT_ATTEMPTS; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, CONNECT_PAUSE_MS));
    try {
      return await connectOnce(host, port);
    } catch (err) {
      last = err;
    }
  }
  throw last instanceof Error ? last : new Error(`Cannot connect to ${host}:${port}`);
}

/** Copies one client connection's bytes to the task's TCP port and back; the socket must be open. */
export async function bridgeTcp(
  ws: WebSocket,
  host: string,
  port: number,
  held: HeldFrames,
  meter: PipeMeter | null = null,
): Promise<void> {
  let socket: Socket;
  try {
    socket = await connectTaskPort(host, port);
  } catch (err) {
    ws.close(1011, `Cannot connect to port ${port} of the task: ${(err as Error).message}`.slice(0, 120));
    return;
  }
  socket.setNoDelay(true);
  await pipeWebSocket(ws, socket, held.release(), meter);
}

/**
 * Relays datagrams of every local peer the CLI names in the frame prefix to the task's UDP port,
 * one socket per peer so each reply goes back to the peer that asked.
 */
export function bridgeUdp(
  ws: WebSocket,
  host: string,
  port: number,
  held: HeldFrames,
  meter: PipeMeter | null = null,
): Promise<void> {
  const peers = new Map<string, { socket: UdpSocket; idle: NodeJS.Timeout }>();
  const type = host.includes(':') ? 'udp6' : 'udp4';

  const peerSocket = (peer: Peer): UdpSocket | null => {
    const key = peerKey(peer);
    const known = peers.get(key);
    if (known) {
      known.idle.refresh();
      return known.socket;
    }
    if (peers.size >= UDP_MAX_PEERS) return null;
    const socket = createSocket(type);
    const entry = { socket, idle: setTimeout(() => drop(key), UDP_PEER_IDLE_MS) };
    peers.set(key, entry);
    socket.on('message', (reply, from) => {
      // Only the task's port answers this peer; anything else reaching the socket is not a reply.
      if (from.port !== port || from.address !== host) return;
      entry.idle.refresh();
      if (ws.readyState !== ws.OPEN || ws.bufferedAmount > UDP_QUEUE_BYTES) return;
      meter?.output(reply.length);
      ws.send(encodeDatagram(peer, reply), { binary: true });
    });
    // A refused datagram (nothing listening yet) is lost, as UDP's are.
    socket.on('error', () => undefined);
    return socket;
  };

  const drop = (key: string): void => {
    const entry = peers.get(key);
    if (!entry) return;
    peers.delete(key);
    clearTimeout(entry.idle);
    entry.socket.close();
  };

  return new Promise((resolve) => {
    const relay = (bytes: Buffer): void => {
      const frame = decodeDatagram(bytes);
      if (frame === null || frame.payload.length === 0) return;
      const socket = peerSocket(frame.peer);
      if (socket === null) return;
      meter?.input(frame.payload.length);
      socket.send(frame.payload, port, host, (err) => {
        if (err) drop(peerKey(frame.peer));
      });
    };
    for (const bytes of held.release()) relay(bytes);
    ws.on('message', (data: RawData) => relay(frameBytes(data)));
    ws.resume();
    const end = (): void => {
      for (const key of [...peers.keys()]) drop(key);
      resolve();
    };
    ws.on('close', end);
    ws.on('error', end);
  });
}
