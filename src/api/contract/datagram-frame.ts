// UDP over a router WebSocket as upstream frames it: every datagram is prefixed by the local peer's
// 4-byte IPv4 address and 2-byte big-endian port, so replies find their way back to that peer.

export const PEER_PREFIX_BYTES = 6;

export interface Peer {
  readonly address: string;
  readonly port: number;
}

/** The prefix plus payload for one datagram; a non-IPv4 peer address is refused. */
export function encodeDatagram(peer: Peer, payload: Uint8Array): Buffer {
  const address = peer.address.startsWith('::ffff:') ? peer.address.slice(7) : peer.address;
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`UDP port-forward carries IPv4 peers only, not ${peer.address}`);
  }
  const frame = Buffer.allocUnsafe(PEER_PREFIX_BYTES + payload.length);
  parts.forEach((p, i) => frame.writeUInt8(p, i));
  frame.writeUInt16BE(peer.port, 4);
  frame.set(payload, PEER_PREFIX_BYTES);
  return frame;
}

/** The peer and payload of one frame; null for a frame too short to hold the prefix. */
export function decodeDatagram(frame: Buffer): { peer: Peer; payload: Buffer } | null {
  if (frame.length < PEER_PREFIX_BYTES) return null;
  const address = [0, 1, 2, 3].map((i) => frame.readUInt8(i)).join('.');
  return { peer: { address, port: frame.readUInt16BE(4) }, payload: frame.subarray(PEER_PREFIX_BYTES) };
}

/** A stable map key for a peer. */
export const peerKey = (peer: Peer): string => `${peer.address}:${peer.port}`;
