// The private mount namespace (bubblewrap) that makes `/osmo/...` the real in-task paths on a host.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readlink, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SANDBOX_PROGRAM = 'bwrap';
const PROBE_TIMEOUT_MS = 10_000;

/** A file the command sees at `taskPath`, kept on the host at `hostPath`. */
export interface SandboxFile {
  readonly hostPath: string;
  readonly taskPath: string;
}

// Host top-level entries the sandbox replaces with its own.
const REPLACED = new Set(['osmo', 'tmp', 'proc', 'dev']);

/**
 * bwrap arguments: a fresh root holding the host's top-level directories, a private /tmp and PID
 * namespace (so every process of the task dies with it, as in a container), and `/osmo` from the attempt.
 * The host itself is never written to: mount points are created inside the fresh root.
 */
export async function sandboxArgs(osmoHostDir: string, files: readonly SandboxFile[]): Promise<string[]> {
  const args: string[] = [];
  for (const entry of await readdir('/', { withFileTypes: true })) {
    if (REPLACED.has(entry.name)) continue;
    const path = `/${entry.name}`;
    if (entry.isSymbolicLink()) args.push('--symlink', await readlink(path), path);
    else if (entry.isDirectory()) args.push('--bind', path, path);
  }
  args.push('--dev-bind', '/dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp');
  args.push('--bind', osmoHostDir, '/osmo');
  for (const file of files) args.push('--ro-bind', file.hostPath, file.taskPath);
  args.push('--unshare-pid', '--die-with-parent', '--chdir', '/');
  return args;
}

export interface SandboxSupport {
  readonly available: boolean;
  /** Why not, when unavailable. */
  readonly reason: string | null;
}

/** Runs a real sandbox once (`bwrap … -- true`); callers cache the answer. */
export async function probeSandbox(): Promise<SandboxSupport> {
  const dir = await mkdtemp(join(tmpdir(), 'osmo-sandbox-probe-'));
  try {
    await mkdir(join(dir, 'osmo'));
    const args = [...(await sandboxArgs(join(dir, 'osmo'), [])), '--', 'true'];
    return await new Promise<SandboxSupport>((resolve) => {
      execFile(SANDBOX_PROGRAM, args, { timeout: PROBE_TIMEOUT_MS }, (err, _stdout, stderr) => {
        if (err === null) resolve({ available: true, reason: null });
        else
          resolve({ available: false, reason: (stderr.trim() || err.message).split('\n')[0] ?? err.message });
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs inside the sandbox as `node -e EXEC_HELPER -- command args…`: starts the command without a shell
 * and reports on fd 3 whether it started, so a missing program is told apart from an exit code. It exits
 * with the command's code, 255 when a signal ended it (what upstream's exec wrapper reports).
 */
export const EXEC_HELPER = `
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const [command, ...args] = process.argv.slice(1);
const tell = (o) => { try { fs.writeSync(3, JSON.stringify(o) + '\\n'); } catch {} };
process.on('SIGTERM', () => {});
const child = spawn(command, args, { stdio: 'inherit' });
child.on('spawn', () => tell({ started: true }));
child.on('error', (e) => { tell({ error: e.message }); process.exit(127); });
child.on('exit', (code) => process.exit(code === null ? 255 : code));
`;
