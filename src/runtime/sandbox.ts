// The sandbox (bubblewrap) a task's command runs in on the process backend: a stranger's view of the host.
import { spawn } from 'node:child_process';
import { lstatSync, readdirSync, readlinkSync, realpathSync, type Stats } from 'node:fs';
import { chown, lchown, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';

export const SANDBOX_PROGRAM = 'bwrap';
const PROBE_TIMEOUT_MS = 10_000;

/** A file the command sees at `taskPath`, kept on the host at `hostPath`. */
export interface SandboxFile {
  readonly hostPath: string;
  readonly taskPath: string;
}

/**
 * Who the command runs as when the service is root: an unprivileged uid/gid with no capabilities.
 * Null runs it as the caller's own (unprivileged) uid inside a user namespace of its own.
 */
export interface SandboxIdentity {
  readonly uid: number;
  readonly gid: number;
}

export interface SandboxLayout {
  /** The attempt's `/osmo` tree on the host, mounted read-write at `/osmo`. */
  readonly osmoHostDir: string;
  readonly files: readonly SandboxFile[];
  readonly identity: SandboxIdentity | null;
  /** Host paths that must not show through the system directories (the service's data directory). */
  readonly hidden?: readonly string[];
  /** A host directory shown at its own path (an admin's `file://` directory, for one copy). */
  readonly share?: { readonly path: string; readonly writable: boolean };
  /** The working directory inside (default `/`). */
  readonly cwd?: string;
}

// The read-only system root a task sees; everything else of the host is absent.
const SYSTEM_ROOTS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc'];
// Secrets that live under the system root on ordinary hosts: password hashes, sudo rules, host keys.
const SECRET_PATHS = [
  '/etc/shadow',
  '/etc/shadow-',
  '/etc/gshadow',
  '/etc/gshadow-',
  '/etc/sudoers',
  '/etc/sudoers.d',
  '/etc/ssl/private',
  '/etc/security/opasswd',
  '/etc/credstore',
  '/etc/credstore.encrypted',
];
const SECRET_NAME = /^ssh_host_.*key$/;
// Mount points the sandbox makes itself: files cannot be placed below them.
const SPECIAL = new Set(['/proc', '/dev', '/osmo']);
const GPU_DEVICE = /^nvidia(\d+|ctl|-uvm|-uvm-tools|-modeset)$/;

type MountNode =
  | { kind: 'bind'; host: string }
  | { kind: 'file'; host: string }
  | { kind: 'symlink'; target: string }
  | { kind: 'dir'; children: Map<string, MountNode> }
  | { kind: 'tmpfs'; children: Map<string, MountNode> };

const lstatOrNull = (path: string): Stats | null => {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
};

const hostNode = (path: string): MountNode | null => {
  const info = lstatOrNull(path);
  if (info === null) return null;
  if (info.isSymbolicLink()) return { kind: 'symlink', target: readlinkSync(path) };
  return info.isDirectory() || info.isFile() ? { kind: 'bind', host: path } : null;
};

/** Replaces a bound host directory by its entries, so one of them can be left out or replaced. */
function explode(node: MountNode & { kind: 'bind' }): MountNode & { kind: 'dir' } {
  const children = new Map<string, MountNode>();
  let names: string[] = [];
  try {
    names = readdirSync(node.host);
  } catch {
    // An unreadable directory shows up empty, as it would to a stranger.
  }
  for (const name of names) {
    if (SECRET_NAME.test(name)) continue;
    const child = hostNode(posix.join(node.host, name));
    if (child !== null) children.set(name, child);
  }
  return { kind: 'dir', children };
}

class MountTree {
  private readonly root = new Map<string, MountNode>();

  constructor() {
    for (const path of SYSTEM_ROOTS) {
      const node = hostNode(path);
      if (node !== null) this.root.set(path.slice(1), node);
    }
    this.root.set('tmp', { kind: 'tmpfs', children: new Map() });
  }

  /**
   * The children map that holds `path`'s last segment, exploding bound directories and following the
   * sandbox's own symlinks (`/bin` → `usr/bin`) on the way; `create` makes missing directories.
   */
  private parentOf(path: string, create: boolean): { children: Map<string, MountNode>; name: string } | null {
    let segments = path.split('/').filter(Boolean);
    for (let hops = 0; hops < 32; hops++) {
      let children = this.root;
      let restart: string[] | null = null;
      for (let i = 0; i < segments.length - 1; i++) {
        const name = segments[i] as string;
        const here = `/${segments.slice(0, i + 1).join('/')}`;
        if (SPECIAL.has(here)) throw new Error(`a file cannot be placed under ${here}`);
        const found = children.get(name);
        if (found === undefined && !create) return null;
        let node: MountNode = found ?? { kind: 'dir', children: new Map() };
        if (node.kind === 'symlink') {
          const base = node.target.startsWith('/') ? [] : segments.slice(0, i);
          restart = posix
            .normalize(posix.join('/', ...base, node.target, ...segments.slice(i + 1)))
            .split('/')
            .filter(Boolean);
          break;
        }
        if (node.kind === 'bind' && lstatOrNull(node.host)?.isDirectory() === true) node = explode(node);
        if (node.kind !== 'dir' && node.kind !== 'tmpfs') throw new Error(`${here} is not a directory`);
        children.set(name, node);
        children = node.children;
      }
      if (restart === null) return { children, name: segments[segments.length - 1] as string };
      segments = restart;
    }
    throw new Error(`too many symbolic links in ${path}`);
  }

  place(taskPath: string, hostPath: string): void {
    const at = this.parentOf(taskPath, true);
    if (at !== null) at.children.set(at.name, { kind: 'file', host: hostPath });
  }

  expand(path: string): void {
    const at = this.parentOf(path, false);
    const node = at?.children.get(at.name);
    if (at && node?.kind === 'bind' && lstatOrNull(node.host)?.isDirectory() === true)
      at.children.set(at.name, explode(node));
  }

  hide(path: string): void {
    if (lstatOrNull(path) === null) return;
    const at = this.parentOf(path, false);
    at?.children.delete(at.name);
  }

  args(): string[] {
    const out: string[] = [];
    const emit = (children: Map<string, MountNode>, base: string): void => {
      for (const [name, node] of [...children].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const path = `${base}/${name}`;
        switch (node.kind) {
          case 'bind':
          case 'file':
            out.push('--ro-bind', node.host, path);
            break;
          case 'symlink':
            out.push('--symlink', node.target, path);
            break;
          case 'dir':
            out.push('--perms', '0755', '--dir', path);
            emit(node.children, path);
            break;
          case 'tmpfs':
            out.push('--tmpfs', path);
            emit(node.children, path);
            break;
        }
      }
    };
    emit(this.root, '');
    return out;
  }
}

export interface SandboxCommand {
  readonly args: readonly string[];
  readonly exec: readonly string[];
}

/**
 * bwrap arguments for one command: a read-only system root (`/usr`, `/bin`, `/lib*`, `/etc` without
 * its secrets), the attempt's own `/osmo`, a private `/tmp`, `/dev` and `/proc` in their own PID
 * namespace, no capabilities, a user namespace of its own. The host itself is never written: every
 * mount point is made inside the sandbox's own root.
 */
export function sandboxArgs(layout: SandboxLayout): SandboxCommand {
  const tree = new MountTree();
  for (const path of [...SECRET_PATHS, ...(layout.hidden ?? [])]) tree.hide(path);
  // Listing the directory entry by entry is what leaves its host keys out (SECRET_NAME).
  tree.expand('/etc/ssh');
  for (const file of layout.files) tree.place(file.taskPath, file.hostPath);
  const args = ['--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try'];
  args.push('--die-with-parent', '--new-session');
  // As root, bwrap keeps its capabilities only so that setpriv can switch to the task's uid, drop every
  // capability (bounding set included) and forbid regaining any (no setuid binary works inside).
  // Otherwise the caller's uid gets a user namespace of its own, with nothing to drop.
  const exec =
    layout.identity === null
      ? []
      : [
          'setpriv',
          `--reuid=${layout.identity.uid}`,
          `--regid=${layout.identity.gid}`,
          '--clear-groups',
          '--inh-caps=-all',
          '--bounding-set=-all',
          '--no-new-privs',
          '--',
        ];
  if (layout.identity === null) args.push('--unshare-user', '--disable-userns', '--cap-drop', 'ALL');
  args.push(...tree.args());
  args.push('--proc', '/proc', '--dev', '/dev');
  for (const device of gpuDevices()) args.push('--dev-bind', device, device);
  args.push('--bind', layout.osmoHostDir, '/osmo');
  // The exec helper needs this Node.js; an installation outside the system root comes along read-only.
  if (!underSystemRoot(NODE_PREFIX)) args.push(...bindAtOwnPath(NODE_PREFIX, false));
  if (layout.share) args.push(...bindAtOwnPath(layout.share.path, layout.share.writable));
  args.push('--chdir', layout.cwd ?? '/');
  return { args, exec };
}

// Node's installation prefix (`/opt/node` for `/opt/node/bin/node`), never the whole host.
const NODE_BIN_DIR = dirname(realpathSync(process.execPath));
const NODE_PREFIX = dirname(NODE_BIN_DIR) === '/' ? NODE_BIN_DIR : dirname(NODE_BIN_DIR);

const underSystemRoot = (path: string): boolean =>
  SYSTEM_ROOTS.some((root) => path === root || path.startsWith(`${root}/`));

function bindAtOwnPath(path: string, writable: boolean): string[] {
  const args: string[] = [];
  // bwrap would make the missing parents 0700 (root's): the task's uid must be able to pass them.
  const parts = path.split('/').filter(Boolean);
  for (let n = 1; n < parts.length; n++)
    args.push('--perms', '0755', '--dir', `/${parts.slice(0, n).join('/')}`);
  args.push(writable ? '--bind' : '--ro-bind', path, path);
  return args;
}

function gpuDevices(): string[] {
  try {
    return readdirSync('/dev')
      .filter((name) => GPU_DEVICE.test(name))
      .map((name) => `/dev/${name}`);
  } catch {
    return [];
  }
}

export interface SandboxSupport {
  readonly available: boolean;
  /** Why not, when unavailable. */
  readonly reason: string | null;
}

/** Who tasks run as: the configured uid when the service may switch to it, else the service's own. */
export function sandboxIdentity(uid: number, gid: number = uid): SandboxIdentity | null {
  return process.getuid?.() === 0 ? { uid, gid } : null;
}

/** Hands the attempt's `/osmo` tree (or one path in it) to the task's uid, never following symlinks. */
export async function chownForTask(path: string, identity: SandboxIdentity | null): Promise<void> {
  if (identity === null) return;
  const visit = async (current: string): Promise<void> => {
    await lchown(current, identity.uid, identity.gid);
    const entries = await readdir(current, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const child = join(current, entry.name);
      if (entry.isDirectory()) await visit(child);
      else await lchown(child, identity.uid, identity.gid);
    }
  };
  await visit(path);
}

/** Runs a real sandbox once as the task identity; callers cache the answer. */
export async function probeSandbox(identity: SandboxIdentity | null): Promise<SandboxSupport> {
  const dir = await mkdtemp(join(tmpdir(), 'osmo-sandbox-probe-'));
  try {
    const osmo = join(dir, 'osmo');
    await mkdir(osmo);
    if (identity !== null) await chown(osmo, identity.uid, identity.gid);
    const command = sandboxArgs({ osmoHostDir: osmo, files: [], identity });
    return await new Promise<SandboxSupport>((resolve) => {
      // Node.js itself, as every task's exec helper runs: a sandbox that cannot start it is no sandbox.
      const probe = [...command.args, '--', ...command.exec, process.execPath, '-e', '0'];
      const child = spawn(SANDBOX_PROGRAM, probe, {
        cwd: '/',
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: PROBE_TIMEOUT_MS,
      });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', (err) => resolve({ available: false, reason: err.message }));
      child.on('close', (code, signal) => {
        if (code === 0) resolve({ available: true, reason: null });
        else
          resolve({
            available: false,
            reason: stderr.trim().split('\n')[0] || `${SANDBOX_PROGRAM} exited with ${code ?? signal}`,
          });
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
