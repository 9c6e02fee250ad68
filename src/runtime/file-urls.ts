// `file://` inputs and outputs: only under the directories an admin allows, never through `..` or a
// symlink out of them, and copied with the task's own privileges inside the task's own sandbox.
import { spawn } from 'node:child_process';
import { realpath, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { userError } from '../core/index.js';
import { LocalStorage, parseStorageUri, walkFiles, type StoredObject } from '../storage/index.js';
import { SANDBOX_PROGRAM, sandboxArgs, type SandboxLayout } from './sandbox.js';

/** What a runtime may do with `file://` URLs: where, and in which sandbox. */
export interface FileUrlAccess {
  /** Host directories tasks may read and write through `file://`; none refuses every `file://` URL. */
  readonly roots: readonly string[];
  /**
   * The task's sandbox: the copy runs in it as the task's uid, seeing the task's `/osmo` and the one
   * allowed directory, so the kernel refuses whatever the task could not read or write itself. Null
   * copies in this process, still confined to the allowed directory.
   */
  readonly sandbox: Omit<SandboxLayout, 'files' | 'share' | 'cwd'> | null;
}

export const NO_FILE_URLS: FileUrlAccess = { roots: [], sandbox: null };

export const isFileUrl = (url: string): boolean => /^file:\/\//i.test(url);

/** Which allowed directory holds the URL's path, refusing `.`/`..` and symlinks that lead out of it. */
export async function resolveFileUrl(
  url: string,
  roots: readonly string[],
): Promise<{ root: string; prefix: string }> {
  const { prefix } = parseStorageUri(url);
  const segments = prefix.split('/');
  if (segments.includes('..') || segments.includes('.'))
    throw userError(`Refusing ${url}: a file:// path may not contain "." or ".." segments`);
  const path = `/${prefix}`;
  for (const allowed of roots) {
    const root = posix.normalize(allowed).replace(/(.)\/$/, '$1');
    const inside = root === '/' || path === root || path.startsWith(`${root}/`);
    if (!inside) continue;
    const realRoot = await realpath(root).catch(() => {
      throw userError(`Refusing ${url}: the allowed directory ${root} does not exist`);
    });
    const rel = path === root ? '' : path.slice(root === '/' ? 1 : root.length + 1);
    await refuseEscapes(url, realRoot, rel);
    return { root: realRoot, prefix: rel };
  }
  throw userError(
    roots.length === 0
      ? `Refusing ${url}: this service allows no file:// URLs (an admin may allow directories with --allow-file-urls)`
      : `Refusing ${url}: file:// URLs must lie under ${roots.join(', ')}`,
  );
}

// The deepest existing part of the path must resolve inside the allowed directory.
async function refuseEscapes(url: string, realRoot: string, rel: string): Promise<void> {
  const parts = rel === '' ? [] : rel.split('/');
  for (let n = parts.length; n >= 0; n--) {
    const real = await realpath(posix.join(realRoot, ...parts.slice(0, n))).catch(() => null);
    if (real === null) continue;
    if (real !== realRoot && !real.startsWith(`${realRoot}/`))
      throw userError(`Refusing ${url}: it leads out of ${realRoot} through a symbolic link`);
    return;
  }
}

/**
 * Downloads a `file://` URL into a task's input directory, or uploads its output directory to one.
 * `local` is the host path of that task directory.
 */
export async function transferFileUrl(
  op: 'download' | 'upload',
  url: string,
  local: string,
  regex: string | null,
  access: FileUrlAccess,
): Promise<readonly StoredObject[]> {
  const { root, prefix } = await resolveFileUrl(url, access.roots);
  const pattern = regex === null || regex === '' ? null : new RegExp(regex);
  if (access.sandbox === null) {
    const storage = new LocalStorage(root, { confined: true });
    const options =
      pattern === null ? { confined: true } : { confined: true, filter: (k: string) => pattern.test(k) };
    return op === 'download'
      ? storage.downloadPrefix(prefix, local, options)
      : storage.uploadDirectory(local, prefix, options);
  }
  const layout = access.sandbox;
  const remote = join(root, prefix);
  const inTask = posix.join('/osmo', local.slice(layout.osmoHostDir.length));
  const [from, to] = op === 'download' ? [remote, inTask] : [inTask, remote];
  const fromHost = op === 'download' ? remote : local;
  // The regular files to copy (links only where they stay inside), listed here; the copy itself then
  // runs in the sandbox, which sees nothing else of the host whatever a name points to.
  const single = (await stat(fromHost).catch(() => null))?.isFile() === true;
  const files = (await walkFiles(fromHost, undefined, true))
    .map((f) => ({ key: single ? posix.basename(fromHost) : f.relative, sizeBytes: f.sizeBytes }))
    .filter((f) => pattern === null || pattern.test(f.key));
  const command = sandboxArgs({
    ...layout,
    files: [],
    share: { path: root, writable: op === 'upload' },
    cwd: single ? posix.dirname(from) : from,
  });
  const script = 'mkdir -p "$1" && xargs -0 -r cp -pL --parents --no-preserve=ownership -t "$1" --';
  await runCopy(
    [...command.args, '--', ...command.exec, 'sh', '-c', script, 'copy', to],
    files.map((f) => `${f.key}\0`).join(''),
    url,
  );
  return files;
}

function runCopy(args: readonly string[], names: string, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(SANDBOX_PROGRAM, args, { cwd: '/', env: {}, stdio: ['pipe', 'ignore', 'pipe'] });
    child.stdin.on('error', () => undefined); // a copy that failed early has said why on stderr
    child.stdin.end(names);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`copying ${url} failed: ${stderr.trim().split('\n')[0] || `exit code ${code}`}`));
    });
  });
}
