// The resident launcher: one long-lived process per host that runs every attempt the process backend
// hands it, each under its own AttemptProcess, instead of booting a Node runtime per attempt. It lives
// in its own session, so attempts keep running while the service restarts, and it leaves once it has
// no attempt and no service to serve.
import { chmodSync, existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { AttemptProcess } from './attempt-process.js';
import {
  onLines,
  parseLauncherRequest,
  type LauncherEvent,
  type LaunchMessage,
} from './launcher-protocol.js';

export interface LauncherServerOptions {
  readonly socketPath: string;
  /** The few host variables an unsandboxed command starts from. */
  readonly hostEnvironment: Readonly<Record<string, string>>;
  /** How long the launcher waits, with no attempt running and no service connected, before it leaves. */
  readonly idleExitMs: number;
  readonly onIdle: () => void;
  readonly log: (message: string) => void;
}

export interface LauncherServer {
  /** Asks every running attempt to stop (a terminated launcher), then resolves once all have ended. */
  stopAll(): Promise<void>;
  close(): void;
}

/** Listens on the socket, unless a live launcher already does: then resolves null. */
export async function startLauncherServer(options: LauncherServerOptions): Promise<LauncherServer | null> {
  const attempts = new Map<string, { process: AttemptProcess; done: Promise<void> }>();
  const clients = new Set<Socket>();
  let idleTimer: NodeJS.Timeout | null = null;

  const checkIdle = (): void => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    if (attempts.size > 0 || clients.size > 0) return;
    idleTimer = setTimeout(options.onIdle, options.idleExitMs);
  };

  const send = (socket: Socket, event: LauncherEvent): void => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(event)}\n`);
  };

  const launch = (socket: Socket, message: LaunchMessage): void => {
    const { dir } = message;
    if (attempts.has(dir)) {
      send(socket, { op: 'failed', dir, message: 'the attempt is already running' });
      return;
    }
    let attempt: AttemptProcess;
    try {
      attempt = new AttemptProcess(dir, options.hostEnvironment);
    } catch (err) {
      send(socket, { op: 'failed', dir, message: errorText(err) });
      return;
    }
    const done = attempt
      .run(() => Promise.resolve(JSON.stringify(message.launch)))
      .then(
        () => undefined,
        (err: unknown) => options.log(`attempt ${dir} failed in the launcher: ${errorText(err)}`),
      )
      .finally(() => {
        attempts.delete(dir);
        // Whichever service is connected now hears of the end, not only the one that launched it.
        for (const client of clients) send(client, { op: 'ended', dir });
        checkIdle();
      });
    attempts.set(dir, { process: attempt, done });
    checkIdle();
    send(socket, { op: 'started', dir });
  };

  const server = createServer((socket) => {
    clients.add(socket);
    checkIdle();
    socket.on('error', () => undefined); // a service that died mid-write; 'close' follows
    socket.on('close', () => {
      clients.delete(socket);
      checkIdle();
    });
    onLines(socket, (line) => {
      const request = parseLauncherRequest(line);
      if (request === null) {
        options.log('ignored a malformed request');
        return;
      }
      if (request.op === 'launch') launch(socket, request);
      else attempts.get(request.dir)?.process.requestStop();
    });
  });

  if (!(await listen(server, options.socketPath))) return null;
  checkIdle();
  return {
    async stopAll() {
      for (const { process } of attempts.values()) process.requestStop();
      await Promise.all([...attempts.values()].map((a) => a.done));
    },
    close() {
      if (idleTimer) clearTimeout(idleTimer);
      server.close();
      for (const client of clients) client.destroy();
    },
  };
}

/**
 * Binds the socket in a directory only the service's user can enter: whoever connects can run
 * commands as that user. A socket file left by a launcher that died is replaced; one a live launcher
 * answers on is left to it.
 */
async function listen(server: Server, socketPath: string): Promise<boolean> {
  mkdirSync(dirname(socketPath), { recursive: true, mode: 0o700 });
  chmodSync(dirname(socketPath), 0o700);
  if (existsSync(socketPath)) {
    if (await answers(socketPath)) return false;
    unlinkSync(socketPath);
  }
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      // Another launcher bound it between our check and our bind: it serves, we leave.
      if (err.code === 'EADDRINUSE') resolve(false);
      else reject(err);
    });
    server.listen(socketPath, () => {
      chmodSync(socketPath, 0o600);
      resolve(true);
    });
  });
}

const answers = (socketPath: string): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createConnection(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
