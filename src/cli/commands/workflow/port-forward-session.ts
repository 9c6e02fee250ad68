// The forwarding of `osmo workflow port-forward`, loaded only when the command runs: local listeners,
// one control session a port and a data socket a connection, reconnecting with upstream's back-off.
import { createSocket } from 'node:dgram';
import type { WebSocket } from 'ws';
import type { RouterResponse } from '../../../api/contract/exec-protocol.js';
import { decodeDatagram, encodeDatagram } from '../../../api/contract/datagram-frame.js';
import { frameBytes } from '../../../api/contract/websocket-stream.js';
import type { CliDeps } from '../../cli-deps.js';
import type { OsmoClient } from '../../client/osmo-client.js';
import { openRouterSocket } from '../../client/router-socket.js';
import { ServiceError } from '../../errors.js';
import type { PortPair } from '../../parse/port-spec.js';
import { TcpForwarder } from './tcp-forwarder.js';

export interface PortForwardOptions {
  readonly workflowId: string;
  readonly task: string;
  readonly ports: readonly PortPair[];
  readonly host: string;
  readonly udp: boolean;
  readonly connectTimeoutS: number;
}

/** Upstream's reconnect delay: `2^min(retry, 5)` seconds plus up to 5 s of jitter. */
export const reconnectDelayS = (retry: number, random: () => number = Math.random): number =>
  2 ** Math.min(retry, 5) + random() * 5;

/** Errors after which asking again cannot help: the workflow or task is gone, or access is refused. */
const isFinal = (err: unknown): boolean =>
  err instanceof ServiceError && err.kind !== 'server' && err.kind !== 'connection' && err.httpStatus !== 425;

export async function runPortForward(opts: PortForwardOptions, deps: CliDeps): Promise<void> {
  const client = await deps.client();
  const path = `api/workflow/${encodeURIComponent(opts.workflowId)}/portforward/${encodeURIComponent(opts.task)}`;
  const request = async (remote: readonly number[]): Promise<RouterResponse[]> =>
    (await client.postJson(path, {
      task_ports: remote.map(String),
      use_udp: opts.udp ? 'True' : 'False',
    })) as RouterResponse[];
  // One request for every port first, as upstream; each reconnect asks for its own port again.
  const first = await request(opts.ports.map((p) => p.remote));
  const forwarders = opts.ports.map((pair, i) =>
    forwardPort(
      client,
      opts,
      pair,
      first[i] as RouterResponse,
      async () => (await request([pair.remote]))[0] as RouterResponse,
      deps,
    ),
  );
  await Promise.all(forwarders);
}

/** Keeps one port forwarded: a control session at a time, a new one after each loss. */
async function forwardPort(
  client: OsmoClient,
  opts: PortForwardOptions,
  pair: PortPair,
  firstRouter: RouterResponse,
  again: () => Promise<RouterResponse>,
  deps: CliDeps,
): Promise<void> {
  const timeoutMs = opts.connectTimeoutS * 1000;
  const local = opts.udp
    ? await udpEndpoint(opts.host, pair.local)
    : new TcpForwarder({
        client,
        kind: 'portforward',
        workflowId: opts.workflowId,
        connectTimeoutMs: timeoutMs,
      });
  const boundPort = local instanceof TcpForwarder ? await local.listen(opts.host, pair.local) : pair.local;
  deps.io.err(
    `Starting port forwarding from ${opts.workflowId}/${opts.task} to ${boundPort}. Please visit http://${opts.host}:${boundPort} if a web application is hosted by the task.\n`,
  );
  const stop = (): void => local.close();
  deps.signal.addEventListener('abort', stop, { once: true });
  let router: RouterResponse | null = firstRouter;
  let retry = 0;
  try {
    while (!deps.signal.aborted) {
      try {
        router ??= await again();
        const socket = await openRouterSocket(
          client,
          'portforward',
          opts.workflowId,
          router,
          timeoutMs,
          opts.udp,
        );
        retry = 0;
        await local.attach(socket, router);
      } catch (err) {
        if (isFinal(err)) {
          deps.io.err(`Port forwarding of remote port ${pair.remote} stopped: ${(err as Error).message}\n`);
          return;
        }
      }
      router = null;
      if (deps.signal.aborted) break;
      const delay = reconnectDelayS(retry++);
      deps.io.out(`Reconnect to remote port ${pair.remote} in ${delay.toFixed(2)} seconds...\n`);
      await sleepUnlessAborted(deps, delay * 1000);
    }
  } finally {
    deps.signal.removeEventListener('abort', stop);
    local.close();
  }
}

/** Waits, or less when Ctrl-C comes first. */
async function sleepUnlessAborted(deps: CliDeps, ms: number): Promise<void> {
  let wake = (): void => undefined;
  const aborted = new Promise<void>((resolve) => (wake = resolve));
  deps.signal.addEventListener('abort', wake, { once: true });
  await Promise.race([deps.sleep(ms), aborted]);
  deps.signal.removeEventListener('abort', wake);
}

interface UdpEndpoint {
  attach(socket: WebSocket, router: RouterResponse): Promise<string>;
  close(): void;
}

/** A local UDP socket whose datagrams travel, prefixed by their sender, over the current session. */
async function udpEndpoint(host: string, port: number): Promise<UdpEndpoint> {
  const local = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    local.once('error', reject);
    local.bind(port, host === 'localhost' ? '127.0.0.1' : host, () => {
      local.off('error', reject);
      resolve();
    });
  });
  local.on('error', () => undefined);
  let session: WebSocket | null = null;
  let closed = false;
  local.on('message', (payload, from) => {
    // With no session (between reconnects) or one far behind, datagrams are lost, as UDP's may be.
    if (session === null || session.readyState !== session.OPEN || session.bufferedAmount > 4 << 20) return;
    session.send(encodeDatagram(from, payload), { binary: true });
  });
  return {
    attach(socket) {
      session = socket;
      socket.on('message', (data) => {
        const frame = decodeDatagram(frameBytes(data as Buffer));
        if (frame !== null) local.send(frame.payload, frame.peer.port, frame.peer.address);
      });
      return new Promise((resolve) => {
        socket.once('close', (_code, reason) => {
          if (session === socket) session = null;
          resolve(reason.toString('utf8'));
        });
        socket.on('error', () => undefined);
      });
    },
    close() {
      session?.close(1000);
      if (!closed) local.close();
      closed = true;
    },
  };
}
