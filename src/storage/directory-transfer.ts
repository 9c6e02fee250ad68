// Directory-sized transfers over any storage's single-object verbs: parallel, filtered, resumable, confined.
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { userError } from '../core/index.js';
import type { ObjectStorage, StoredObject, TransferOptions } from './object-storage.js';
import { joinKey, normalizeKey, normalizePrefix } from './storage-key.js';

const DEFAULT_CONCURRENCY = 8;

type SingleObjectVerbs = Pick<ObjectStorage, 'putFile' | 'getToFile' | 'list'>;

export interface WalkedFile {
  readonly relative: string;
  readonly sizeBytes: number;
}

/** Uploads every regular file under localDir (or localDir itself when it is a file) under prefix. */
export async function uploadTree(
  storage: SingleObjectVerbs,
  localDir: string,
  prefix: string,
  options: TransferOptions = {},
): Promise<readonly StoredObject[]> {
  const confined = options.confined === true;
  const files = (await walkFiles(localDir, options.signal, confined)).filter(
    (f) => options.filter === undefined || options.filter(f.relative),
  );
  const base = normalizePrefix(prefix);
  const root = confined ? await realpath(localDir) : localDir;
  return runPool(files, options, async (file) => {
    const key = joinKey(base, file.relative);
    const source = file.relative === '' ? localDir : join(localDir, ...file.relative.split('/'));
    if (!confined) {
      await storage.putFile(key, source, options.signal);
      return { object: { key, sizeBytes: file.sizeBytes }, skipped: false, name: file.relative };
    }
    const handle = await openConfined(root, source);
    try {
      // /proc/self/fd/N reopens exactly the checked file (a retry too), never the path again.
      await storage.putFile(key, `/proc/self/fd/${handle.fd}`, options.signal);
      return { object: { key, sizeBytes: (await handle.stat()).size }, skipped: false, name: file.relative };
    } finally {
      await handle.close();
    }
  });
}

/** Downloads every object under `<prefix>/` into localDir; keys that would land outside it are refused. */
export async function downloadTree(
  storage: SingleObjectVerbs,
  prefix: string,
  localDir: string,
  options: TransferOptions = {},
): Promise<readonly StoredObject[]> {
  const base = normalizePrefix(prefix);
  const objects = await storage.list(base === '' ? '' : `${base}/`, options.signal);
  await mkdir(localDir, { recursive: true });
  const root = await realpath(localDir);
  const wanted = objects
    .map((o) => ({ key: o.key, rel: base === '' ? o.key : o.key.slice(base.length + 1), size: o.sizeBytes }))
    .filter((o) => options.filter === undefined || options.filter(o.rel));
  return runPool(wanted, options, async (o) => {
    const target = await confinedPath(root, o.rel);
    const object = { key: o.rel, sizeBytes: o.size };
    if (options.resume === true && (await sizeOf(target)) === o.size)
      return { object, skipped: true, name: o.rel };
    await storage.getToFile(o.key, target, options.signal);
    return { object, skipped: false, name: o.rel };
  });
}

/**
 * The local path of a relative key under root, refusing `..`, absolute keys and symlinks that lead out
 * of root; creates the parent directories (only after checking them).
 */
export async function confinedPath(root: string, relativeKey: string): Promise<string> {
  if (relativeKey.startsWith('/') || isAbsolute(relativeKey)) {
    throw userError(`Refusing "${relativeKey}": absolute paths are not allowed`);
  }
  const rel = normalizeKey(relativeKey);
  const target = join(root, ...rel.split('/'));
  // Walk down from root, refusing any existing component that is a symlink out of root.
  let current = root;
  for (const part of rel.split('/')) {
    current = join(current, part);
    const info = await lstat(current).catch(() => null);
    if (info === null) break;
    if (info.isSymbolicLink()) {
      const resolved = await realpath(current).catch(() => null);
      if (resolved === null || !isInside(root, resolved)) {
        throw userError(`Refusing "${relativeKey}": ${current} is a symlink out of ${root}`);
      }
    }
  }
  await mkdir(dirname(target), { recursive: true });
  if (!isInside(root, await realpath(dirname(target)))) {
    throw userError(`Refusing "${relativeKey}": it leads out of ${root}`);
  }
  return target;
}

/**
 * Opens a regular file for reading only when it really lies under root: the opened file's true path,
 * after whatever its links resolved to at the moment of opening, must be inside root (checked on the
 * open descriptor, so nothing swapped in later counts), and no FIFO may block the open.
 */
export async function openConfined(root: string, path: string): Promise<FileHandle> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const real = await readlink(`/proc/self/fd/${handle.fd}`);
    if (!isInside(root, real)) throw userError(`Refusing ${path}: it leads out of ${root}`);
    if (!(await handle.stat()).isFile()) throw userError(`Refusing ${path}: not a regular file`);
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

const isInside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

async function sizeOf(path: string): Promise<number | null> {
  const info = await stat(path).catch(() => null);
  return info?.isFile() === true ? info.size : null;
}

interface Moved {
  readonly object: StoredObject;
  readonly skipped: boolean;
  readonly name: string;
}

/** Runs `move` over items with bounded concurrency; results keep the items' order. */
async function runPool<T extends { readonly rel?: string; readonly relative?: string }>(
  items: readonly T[],
  options: TransferOptions,
  move: (item: T) => Promise<Moved>,
): Promise<readonly StoredObject[]> {
  const results: (StoredObject | null)[] = new Array<StoredObject | null>(items.length).fill(null);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const item = items[index];
      if (item === undefined) continue;
      options.signal?.throwIfAborted();
      try {
        const moved = await move(item);
        results[index] = moved.object;
        options.onObject?.(moved.object, moved.skipped);
      } catch (err) {
        if (options.onFailure === undefined || options.signal?.aborted === true) throw err;
        options.onFailure(
          item.rel ?? item.relative ?? '',
          err instanceof Error ? err : new Error(String(err)),
        );
      }
    }
  };
  const width = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, items.length));
  await Promise.all(Array.from({ length: width }, worker));
  return results.filter((r): r is StoredObject => r !== null);
}

/**
 * Every regular file under dir (a file itself gives one entry with relative ''), `/`-separated, sorted.
 * `confined`: symlinked files count only when they resolve inside dir.
 */
export async function walkFiles(dir: string, signal?: AbortSignal, confined = false): Promise<WalkedFile[]> {
  const top = await stat(dir).catch(() => null);
  if (top === null) return [];
  if (top.isFile()) return [{ relative: '', sizeBytes: top.size }];
  const root = confined ? await realpath(dir) : dir;
  const out: WalkedFile[] = [];
  const visit = async (current: string): Promise<void> => {
    signal?.throwIfAborted();
    const entries = await readdir(current, { withFileTypes: true }).catch((err: unknown) => {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw err;
    });
    for (const entry of entries) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) await visit(full);
      else if (entry.isFile() || entry.isSymbolicLink()) {
        // A dangling symlink is not a file: skip it rather than fail the whole walk.
        const info = await stat(full).catch(() => null);
        if (confined && entry.isSymbolicLink() && !isInside(root, await realpath(full).catch(() => '/')))
          continue;
        if (info?.isFile() === true && !entry.name.includes('.osmo-partial-')) {
          out.push({ relative: relative(dir, full).split(sep).join('/'), sizeBytes: info.size });
        }
      }
    }
  };
  await visit(dir);
  return out.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
}
