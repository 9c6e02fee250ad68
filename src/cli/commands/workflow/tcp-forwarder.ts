// The CLI's side of a forwarded TCP port: a local listener whose every connection gets a fresh
// `PORTFORWARD-<hex>` key, named on the port's control socket, and a data socket of its own.
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { RouterResponse } from '../../../api/contract/exec-protocol.js';
import { pipeWebSocket } from '../../../api/contract/websocket-stream.js';
import type { OsmoClient } from '../../client/osmo-client.js';
import { openRouterSocket, type RouterPathKind } from '../../client/router-socket.js';

export const connectionKey = (): string => `PORTFORWARD-${randomBytes(16).toString('hex')}`;

export interface TcpForwarderOptions {
  readonly client: OsmoClient;
  /** `portforward` for port-forward, `rsync` for rsync's connections. */
  readonly kind: RouterPathKind;
  readonly workflowId: string;
  readonly connectTimeoutMs: number;
}

/** Listens locally and forwards each accepted connection over the control session now open. */
export class TcpForwarder {
  private control: { socket: WebSocket; router: RouterResponse } | null = null;
  private readonly server: Server;
  private readonly connections = new Set<Socket>();

  constructor(private readonly options: TcpForwarderOptions) {
    this.server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (conn) => this.accept(conn));
  }

  /** Binds the local port (0: any free one); answers the bound port. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  /** Serves connections over this control session until it closes; resolves with its close reason. */
  attach(socket: WebSocket, router: RouterResponse): Promise<string> {
    this.control = { socket, router };
    return new Promise((resolve) => {
      socket.once('close', (_code, reason) => {
        if (this.control?.socket === socket) this.control = null;
        resolve(reason.toString('utf8'));
      });
      socket.once('error', () => undefined);
    });
  }

  close(): void {
    if (this.server.listening) this.server.close();
    this.control?.socket.close(1000);
    for (const conn of this.connections) conn.destroy();
  }

  private accept(conn: Socket): void {
    this.connections.add(conn);
    conn.once('close', () => this.connections.delete(conn));
    conn.on('error', () => undefined);
    const control = this.control;
    // Between a lost control session and the next one, connections are refused, not queued.
    if (control === null) return void conn.destroy();
    const key = connectionKey();
    control.socket.send(Buffer.from(JSON.stringify({ key, cookie: control.router.cookie })), {
      binary: true,
    });
    const data = { ...control.router, key };
    openRouterSocket(
      this.options.client,
      this.options.kind,
      this.options.workflowId,
      data,
      this.options.connectTimeoutMs,
      true,
    )
      .then((ws) => {
        conn.setNoDelay(true);
        const piped = pipeWebSocket(ws, conn);
        conn.resume();
        return piped;
      })
      .catch(() => conn.destroy());
  }
}
