// The process backend's side of the resident launcher: connects to it, starting it when none answers,
// and passes launches and stops; a launcher that goes away is started again on the next launch.
import { spawn } from 'node:child_process';
import { openSync, closeSync, mkdirSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import {
  launcherSocketPath,
  onLines,
  parseLauncherEvent,
  type LauncherEvent,
  type LauncherRequest,
} from '../../runtime/launcher-protocol.js';

export interface LauncherClientOptions {
  readonly workRoot: string;
  /** Path of the compiled launcher entry, `dist/src/main/launcher.js`. */
  readonly entry: string;
  /** The launcher's environment: host basics only, never the service's settings. */
  readonly environment: Readonly<Record<string, string>>;
  readonly onEvent: (event: LauncherEvent) => void;
  /** The connection closed: attempts the launcher ran may be gone with it. */
  readonly onDisconnect: () => void;
}

/** How long a just-started launcher may take to listen before a launch is given up. */
const START_TIMEOUT_MS = 15_000;
const CONNECT_RETRY_MS = 20;

export class LauncherClient {
  private socket: Socket | null = null;
  private connecting: Promise<Socket> | null = null;
  private closed = false;

  constructor(private readonly options: LauncherClientOptions) {}

  /** The command line the launcher runs under: how a pid is told to be this work root's launcher. */
  get commandLine(): readonly string[] {
    return [this.options.entry, this.options.workRoot];
  }

  async send(request: LauncherRequest): Promise<void> {
    const socket = await this.connect();
    await new Promise<void>((resolve, reject) =>
      socket.write(`${JSON.stringify(request)}\n`, (err) => (err ? reject(err) : resolve())),
    );
  }

  /** Sends a stop when connected; false when no launcher is connected to tell. */
  tryStop(dir: string): boolean {
    if (this.socket === null || this.socket.destroyed) return false;
    this.socket.write(`${JSON.stringify({ op: 'stop', dir } satisfies LauncherRequest)}\n`);
    return true;
  }

  close(): void {
    this.closed = true;
    this.socket?.end();
    this.socket = null;
  }

  private connect(): Promise<Socket> {
    if (this.socket !== null && !this.socket.destroyed) return Promise.resolve(this.socket);
    if (this.closed) return Promise.reject(new Error('the process backend is closed'));
    this.connecting ??= this.connectOrStart().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async connectOrStart(): Promise<Socket> {
    const path = launcherSocketPath(this.options.workRoot);
    let socket = await tryConnect(path);
    if (socket === null) {
      this.startLauncher();
      const deadline = Date.now() + START_TIMEOUT_MS;
      while (socket === null && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, CONNECT_RETRY_MS));
        socket = await tryConnect(path);
      }
      if (socket === null) {
        throw new Error(
          `the task launcher did not start (see ${join(this.options.workRoot, 'launcher', 'launcher.log')})`,
        );
      }
    }
    this.attach(socket);
    return socket;
  }

  private attach(socket: Socket): void {
    this.socket = socket;
    // A connection alone must not keep the service's process alive.
    socket.unref();
    socket.on('error', () => undefined); // 'close' follows
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
      this.options.onDisconnect();
    });
    onLines(socket, (line) => {
      const event = parseLauncherEvent(line);
      if (event !== null) this.options.onEvent(event);
    });
  }

  /** Its own session, so that it outlives a killed service; its output goes to a log beside its socket. */
  private startLauncher(): void {
    const dir = join(this.options.workRoot, 'launcher');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const out = openSync(join(dir, 'launcher.log'), 'a', 0o600);
    try {
      const child = spawn(process.execPath, [...this.commandLine], {
        detached: true,
        env: { ...this.options.environment },
        stdio: ['ignore', out, out],
      });
      child.on('error', () => undefined); // the connect loop reports a launcher that never listened
      child.unref();
    } finally {
      closeSync(out);
    }
  }
}

const tryConnect = (path: string): Promise<Socket | null> =>
  new Promise((resolve) => {
    const socket = createConnection(path);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(null);
    });
  });
