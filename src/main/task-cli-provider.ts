// Wires the in-task `osmo` CLI: where tasks reach the service, and the attempt grants that let them in.
import { chmod, mkdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { SessionDeps } from '../api/auth/sessions.js';
import { closeTaskGrant, openTaskGrant, taskGrantName } from '../api/auth/task-grants.js';
import type { TaskCliProvider } from '../controller/task-cli.js';
import type { TaskCliInstall } from '../core/index.js';
import { findTaskCliInstall } from './task-cli-install.js';

export interface TaskCliWiring {
  readonly provider: TaskCliProvider;
  /** The service listens now: tasks launched from here on get the CLI. */
  listening(url: string): void;
}

/**
 * The provider of attempts' CLIs. Tasks reach the service at `serviceUrl` as given once it listens
 * (loopback: process tasks share the host's network), or over `socket` when set (containers).
 */
export function taskCliWiring(options: {
  readonly install: TaskCliInstall;
  readonly sessions: SessionDeps;
  readonly socket: string | null;
}): TaskCliWiring {
  let serviceUrl: string | null = null;
  const provider: TaskCliProvider = {
    async open(ref, user, nodeName, expiresAt) {
      if (serviceUrl === null) return null;
      const grant = await openTaskGrant(options.sessions, user, taskGrantName(ref), expiresAt);
      return {
        serviceUrl,
        serviceSocket: options.socket,
        user,
        nodeName,
        accessToken: grant.accessToken,
        refreshToken: grant.refreshToken,
        install: options.install,
      };
    },
    async close(store, attempt) {
      await closeTaskGrant(store, taskGrantName(attempt));
    },
  };
  return { provider, listening: (url) => void (serviceUrl = url) };
}

/**
 * The URL tasks on this host reach the service at: its own address, with a wildcard address replaced
 * by loopback (a task never needs more than loopback to reach a service that listens everywhere).
 */
export function loopbackUrlOf(address: string): string {
  const url = new URL(address);
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  if (url.hostname === '[::]') url.hostname = '[::1]';
  return url.toString().replace(/\/$/, '');
}

/**
 * A Unix socket whose connections the HTTP server serves as its own: containers get it mounted, so
 * their CLI reaches the service without the service listening on any network address but its own.
 * Its directory is the service's private one (0700); the socket itself is open to any user of the
 * containers it is mounted in, whatever user their image runs as.
 */
export async function listenOnTaskSocket(server: HttpServer, path: string): Promise<Server> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await rm(path, { force: true });
  const socketServer = createServer((socket) => server.emit('connection', socket));
  await new Promise<void>((resolve, reject) => {
    socketServer.once('error', reject);
    socketServer.listen(path, () => resolve());
  });
  await chmod(path, 0o666);
  return socketServer;
}

/** The in-task CLI of a running service: its provider for the engine, started once the service listens. */
export interface TaskCliService {
  readonly provider: TaskCliProvider;
  /** The service listens at `address`: open the task socket (containers) and hand out CLIs. */
  start(server: HttpServer, address: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Sets up the in-task CLI for the chosen backend, or says why tasks get none: the CLI's files are not
 * beside the service, or the container engine is not on this host (a remote engine could mount none of
 * the CLI's host files, nor reach the socket).
 */
export async function setUpTaskCli(options: {
  readonly backend: string | null;
  readonly dockerHost: string | null;
  readonly socketPath: string;
  readonly sessions: SessionDeps;
  readonly log: Logger;
}): Promise<TaskCliService | string> {
  const install = await findTaskCliInstall();
  if (typeof install === 'string') return install;
  if (options.backend !== 'process' && options.backend !== 'docker') {
    return `the ${options.backend ?? 'chosen'} backend runs tasks where the CLI's files are not`;
  }
  const containers = options.backend === 'docker';
  if (containers && !(options.dockerHost ?? 'unix://').startsWith('unix://')) {
    return `the container engine ${options.dockerHost ?? ''} is not on this host`;
  }
  const socket = containers ? options.socketPath : null;
  const wiring = taskCliWiring({ install, sessions: options.sessions, socket });
  let socketServer: Server | null = null;
  return {
    provider: wiring.provider,
    async start(server, address) {
      if (socket !== null) {
        try {
          socketServer = await listenOnTaskSocket(server, socket);
        } catch (err) {
          // A data directory too deep for a socket path (about 100 bytes) costs tasks their CLI, not the service.
          const why = err instanceof Error ? err.message : String(err);
          options.log.warn(`tasks get no osmo CLI: the socket ${socket} cannot be opened (${why})`);
          return;
        }
      }
      wiring.listening(loopbackUrlOf(address));
    },
    async close() {
      const open = socketServer;
      if (open === null) return;
      await new Promise<void>((resolve) => open.close(() => resolve()));
      await rm(socket ?? '', { force: true });
    },
  };
}
