// The sandbox (bubblewrap) a task's command runs in on the process backend: a stranger's view of the host.
import { spawn } from 'node:child_process';
import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { chown, lchown, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';

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
  /** Host files and directories shown read-only inside `/osmo` (the task's `osmo` CLI), over its tree. */
  readonly overlays?: readonly SandboxFile[];
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
  /** `masks`: paths below `host`, relative to it, covered up after the bind (see MountTree.mask). */
  | { kind: 'bind'; host: string; masks?: Set<string> }
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
  // A mask of an entry becomes its absence; a deeper one moves down to the entry's own bind.
  for (const mask of node.masks ?? []) {
    const [name, ...rest] = mask.split('/') as [string, ...string[]];
    const child = children.get(name);
    if (rest.length === 0) children.delete(name);
    else if (child?.kind === 'bind') (child.masks ??= new Set()).add(rest.join('/'));
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

  hide(path: string): void {
    if (lstatOrNull(path) === null) return;
    const at = this.parentOf(path, false);
    at?.children.delete(at.name);
  }

  /**
   * Hides a host path that lies inside a bound directory by covering it after the bind (an empty
   * read-only tmpfs on a directory, /dev/null on a file) instead of listing the directory entry by
   * entry: each entry is a mount, and a sandbox of some two hundred mounts costs bwrap several times
   * what the task's own command does. Elsewhere (or through a host symlink) it is left out as `hide` does.
   */
  mask(path: string): void {
    const info = lstatOrNull(path);
    if (info === null) return;
    const segments = path.split('/').filter(Boolean);
    let children = this.root;
    for (let i = 0; i < segments.length; i++) {
      const node = children.get(segments[i] as string);
      if (node === undefined) return; // not shown at all
      if (node.kind === 'dir' || node.kind === 'tmpfs') {
        children = node.children;
        continue;
      }
      if (node.kind !== 'bind' || i === segments.length - 1) break;
      const rest = segments.slice(i + 1);
      // bwrap resolves a mount point inside the sandbox: a symlink on the way would move the cover.
      let host = node.host;
      const direct = rest
        .slice(0, -1)
        .every((name) => lstatOrNull((host = posix.join(host, name)))?.isDirectory() === true);
      if (!direct || !(info.isFile() || info.isDirectory())) break;
      (node.masks ??= new Set()).add(rest.join('/'));
      return;
    }
    this.hide(path);
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
            if (node.kind === 'bind')
              for (const mask of [...(node.masks ?? [])].sort()) {
                const target = `${path}/${mask}`;
                if (lstatOrNull(posix.join(node.host, mask))?.isDirectory() === true)
                  out.push('--perms', '0555', '--tmpfs', target, '--remount-ro', target);
                else out.push('--ro-bind', '/dev/null', target);
              }
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
  for (const path of [...SECRET_PATHS, ...(layout.hidden ?? []), ...hostKeys()]) tree.mask(path);
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
          hostProgram('setpriv'),
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
  for (const overlay of layout.overlays ?? []) args.push('--ro-bind', overlay.hostPath, overlay.taskPath);
  if (layout.share) args.push(...bindAtOwnPath(layout.share.path, layout.share.writable));
  args.push('--chdir', layout.cwd ?? '/');
  return { args, exec };
}

function bindAtOwnPath(path: string, writable: boolean): string[] {
  const args: string[] = [];
  // bwrap would make the missing parents 0700 (root's): the task's uid must be able to pass them.
  const parts = path.split('/').filter(Boolean);
  for (let n = 1; n < parts.length; n++)
    args.push('--perms', '0755', '--dir', `/${parts.slice(0, n).join('/')}`);
  args.push(writable ? '--bind' : '--ro-bind', path, path);
  return args;
}

/**
 * A program of the host's read-only system root by its absolute path. What runs before the switch
 * to the task's uid runs as root inside the sandbox: a PATH from the task's environment, or a file of
 * the task's own found on it, must not choose it.
 */
export function hostProgram(name: string): string {
  let path = hostPrograms.get(name);
  if (path === undefined) {
    path =
      ['/usr/bin', '/usr/sbin', '/bin', '/sbin']
        .map((dir) => `${dir}/${name}`)
        .find((candidate) => {
          const info = lstatOrNull(candidate);
          return info !== null && (info.isFile() || info.isSymbolicLink());
        }) ?? name;
    hostPrograms.set(name, path);
  }
  return path;
}

/** Looked up once per launcher: every task's sandbox starts the same programs. */
const hostPrograms = new Map<string, string>();

/** The SSH daemon's private host keys (`/etc/ssh/ssh_host_*_key`), whatever their algorithms. */
function hostKeys(): string[] {
  try {
    return readdirSync('/etc/ssh')
      .filter((name) => SECRET_NAME.test(name))
      .map((name) => `/etc/ssh/${name}`);
  } catch {
    return [];
  }
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
      // The shell every task's exec helper runs in: a sandbox that cannot start it is no sandbox.
      const probe = [...command.args, '--', ...command.exec, '/bin/sh', '-c', 'exit 0'];
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
 * Runs inside the sandbox as `/bin/sh -c EXEC_HELPER command args…`: finds the program as execvp
 * would, tells on fd 3 whether it starts (`started`) or why not (`ENOENT`, `EACCES`), so a missing
 * program is told apart from an exit code, then replaces itself with the program: no shell stays
 * between the command and the sandbox, and no interpreter boots per task.
 */
export const EXEC_HELPER = [
  'p=$0',
  'case $p in',
  '*/*) [ -e "$p" ] || { echo ENOENT >&3; exit 127; }; [ -f "$p" ] && [ -x "$p" ] || { echo EACCES >&3; exit 126; } ;;',
  '*) found=; IFS=:; for d in ${PATH-/usr/local/bin:/usr/bin:/bin}; do [ -f "${d:-.}/$p" ] && [ -x "${d:-.}/$p" ] && { found=1; break; }; done; unset IFS',
  '   [ -n "$found" ] || { echo ENOENT >&3; exit 127; } ;;',
  'esac',
  'echo started >&3',
  'exec 3>&-',
  'exec "$p" "$@"',
].join('\n');
