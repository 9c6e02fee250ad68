// The rsync daemon one rsync connection talks to: Debian's `rsync` in daemon-over-stdio mode, run by
// the service against the attempt's host-side directories.
//
// Why on the service side and not inside the task: task images rarely carry rsync, and the service
// may not put a binary of its own into them. The daemon still sees only what the task sees of its own
// files: each module is one of the attempt's directories (the workspace, or an allowed path that lies
// in the attempt's output or workspace), the daemon runs as the owner of that directory (the task's
// uid), chrooted into the module when the service is root, and with links munged so a link the task
// planted cannot lead a transfer out of the module.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { pipeWebSocket, type HeldFrames, type PipeMeter } from '../contract/websocket-stream.js';
import { rateLimited } from './rate-limit.js';

export const RSYNC_PROGRAM = 'rsync';
const MODULE_NAME = /^[A-Za-z0-9_.-]+$/;
/** A connection idle this long is dropped by the daemon itself. */
const IO_TIMEOUT_S = 300;

export interface RsyncModule {
  readonly name: string;
  /** The host directory the module serves. */
  readonly hostPath: string;
  readonly writable: boolean;
}

export interface RsyncLimits {
  /** Bytes per second the daemon sends (downloads) and receives (uploads); 0 = unlimited. */
  readonly readBytesPerSecond: number;
  readonly writeBytesPerSecond: number;
}

/** The daemon's configuration for these modules; `owner` is who the daemon acts as when run as root. */
export function rsyncdConfig(
  modules: readonly RsyncModule[],
  owner: { uid: number; gid: number }[],
  asRoot: boolean,
): string {
  const lines = [
    `use chroot = ${asRoot ? 'yes' : 'no'}`,
    'munge symlinks = yes',
    'numeric ids = yes',
    'reverse lookup = no',
    `timeout = ${IO_TIMEOUT_S}`,
    'log file = /dev/null',
  ];
  modules.forEach((m, i) => {
    if (!MODULE_NAME.test(m.name)) throw new Error(`Invalid rsync module name: ${m.name}`);
    if (/[\n\r]/.test(m.hostPath)) throw new Error(`Invalid rsync module path for ${m.name}`);
    lines.push(`[${m.name}]`, `  path = ${m.hostPath}`, `  read only = ${m.writable ? 'no' : 'yes'}`);
    const who = owner[i];
    if (asRoot && who) lines.push(`  uid = ${who.uid}`, `  gid = ${who.gid}`);
  });
  return `${lines.join('\n')}\n`;
}

/** True when a name may be a module name in the daemon's configuration. */
export const isModuleName = (name: string): boolean => MODULE_NAME.test(name);

/**
 * Serves one rsync client connection (the WebSocket's bytes) from a fresh daemon until either ends;
 * the limits apply to each direction on the way through.
 */
export async function serveRsync(
  ws: WebSocket,
  modules: readonly RsyncModule[],
  limits: RsyncLimits,
  held: HeldFrames,
  meter: PipeMeter | null = null,
): Promise<void> {
  const owners = await Promise.all(modules.map((m) => stat(m.hostPath)));
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), 'osmo-rsyncd-'));
  try {
    const config = join(dir, 'rsyncd.conf');
    await writeFile(config, rsyncdConfig(modules, owners, asRoot), { mode: 0o600 });
    const child = spawn(RSYNC_PROGRAM, ['--server', '--daemon', `--config=${config}`, '.'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const exited = new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.once('error', () => resolve());
    });
    const toDaemon = rateLimited(limits.writeBytesPerSecond);
    const fromDaemon = rateLimited(limits.readBytesPerSecond);
    toDaemon.pipe(child.stdin);
    child.stdout.pipe(fromDaemon);
    child.stdin.on('error', () => undefined);
    await pipeWebSocket(ws, Duplex.from({ readable: fromDaemon, writable: toDaemon }), held.release(), meter);
    child.kill('SIGTERM');
    await exited;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
