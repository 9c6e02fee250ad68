// A keep-alive HTTP/1.1 load generator on plain sockets: each connection sends one request, reads the
// answer by its Content-Length and sends the next. Node's own http client spends some 30 µs of CPU a
// request, about twice what a bare Fastify route spends answering, so on a small machine it, not the
// server, set the bare route's rate; this one spends a few µs.
import net from 'node:net';

export interface LoadWindow {
  /** Milliseconds each answer took, in the order they came. */
  readonly latencies: number[];
  /** Answers other than 200, and connections that failed. */
  readonly errors: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;

/** Keep-alive connections to `url`, each sending `path` with `headers` in turn for as long as asked. */
export class LoadConnections {
  private constructor(private readonly sockets: readonly LoadSocket[]) {}

  static async open(
    url: string,
    path: string,
    headers: Readonly<Record<string, string>>,
    count: number,
  ): Promise<LoadConnections> {
    const target = new URL(url);
    const lines = [`GET ${path} HTTP/1.1`, `host: ${target.host}`, 'connection: keep-alive'];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    const request = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);
    const sockets = await Promise.all(
      Array.from({ length: count }, () => LoadSocket.connect(target.hostname, Number(target.port), request)),
    );
    return new LoadConnections(sockets);
  }

  /** Every connection busy for `ms`; latencies are kept only when `keep` (a warm-up keeps none). */
  async run(ms: number, keep: boolean): Promise<LoadWindow> {
    const until = performance.now() + ms;
    const latencies: number[] = [];
    const outcomes = await Promise.all(this.sockets.map((s) => s.loop(until, keep ? latencies : null)));
    return { latencies, errors: outcomes.reduce((a, b) => a + b, 0) };
  }

  close(): void {
    for (const s of this.sockets) s.destroy();
  }
}

class LoadSocket {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: ((status: number) => void) | null = null;
  private failed = false;

  private constructor(
    private readonly socket: net.Socket,
    private readonly request: Buffer,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    const fail = (): void => {
      this.failed = true;
      this.answer(0);
    };
    socket.on('error', fail);
    socket.on('close', fail);
  }

  static connect(host: string, port: number, request: Buffer): Promise<LoadSocket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port }, () => {
        socket.off('error', reject);
        resolve(new LoadSocket(socket, request));
      });
      socket.once('error', reject);
    });
  }

  /** Requests one after another until `until`; the count of failed ones. */
  async loop(until: number, latencies: number[] | null): Promise<number> {
    let errors = 0;
    while (!this.failed && performance.now() < until) {
      const t0 = performance.now();
      const status = await this.once();
      latencies?.push(performance.now() - t0);
      if (status !== 200) errors += 1;
    }
    return errors;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private once(): Promise<number> {
    if (this.failed) return Promise.resolve(0);
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(this.request);
    });
  }

  private received(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const end = this.buffered.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.buffered.toString('latin1', 0, end);
    const length = CONTENT_LENGTH.exec(head)?.[1];
    if (length === undefined) {
      // Every answer measured here has a length; one without cannot be delimited.
      this.failed = true;
      this.socket.destroy();
      return;
    }
    const total = end + HEADER_END.length + Number(length);
    if (this.buffered.length < total) return;
    this.buffered = this.buffered.subarray(total);
    this.answer(Number(head.slice(9, 12)));
  }

  private answer(status: number): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.(status);
  }
}
