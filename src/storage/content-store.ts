// Dataset content addressed by hash: a version is a manifest of paths -> objects named by their SHA-256,
// so versions share every unchanged file and a new version stores only what is new.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { userError } from '../core/index.js';
import { confinedPath } from './directory-transfer.js';
import type { ObjectStorage } from './object-storage.js';
import { joinKey, normalizeKey } from './storage-key.js';

const DEFAULT_CONCURRENCY = 8;

/** One file of a dataset version (upstream's manifest entry; `etag` is the SHA-256 here). */
export interface ManifestEntry {
  readonly relative_path: string;
  readonly storage_path: string;
  readonly size: number;
  readonly etag: string;
}

export interface LocalContent {
  /** The path inside the dataset (`/`-separated). */
  readonly relative: string;
  readonly local: string;
  readonly sizeBytes: number;
}

export interface StoreContentResult {
  readonly entries: ManifestEntry[];
  /** Objects actually written (content not stored before). */
  readonly storedObjects: number;
  readonly storedBytes: number;
}

export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, signal ? { signal } : {})) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Runs `fn` over items with at most `limit` in flight. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/**
 * Hashes each file and stores it under `<hashPrefix>/<sha256>` unless an object of that name exists;
 * `hashUri` is the same place as a URI, for the manifest's `storage_path`.
 */
export async function storeContent(
  storage: ObjectStorage,
  hashPrefix: string,
  hashUri: string,
  files: readonly LocalContent[],
  options: {
    readonly concurrency?: number;
    readonly signal?: AbortSignal;
    readonly onFile?: (file: LocalContent) => void;
    /** Bytes of a file being stored, as they are read for sending (a file already stored sends none). */
    readonly onBytes?: (file: LocalContent, bytes: number) => void;
  } = {},
): Promise<StoreContentResult> {
  const entries: ManifestEntry[] = [];
  let storedObjects = 0;
  let storedBytes = 0;
  const claimed = new Set<string>();
  await forEachLimited(files, options.concurrency ?? DEFAULT_CONCURRENCY, async (file) => {
    const relative = normalizeKey(file.relative);
    const etag = await sha256File(file.local, options.signal);
    const key = joinKey(hashPrefix, etag);
    // Two identical files in one upload store one object.
    if (!claimed.has(etag) && !(await storage.exists(key))) {
      claimed.add(etag);
      const onBytes = options.onBytes;
      await storage.putFile(key, file.local, options.signal, onBytes && ((n) => onBytes(file, n)));
      storedObjects += 1;
      storedBytes += file.sizeBytes;
    }
    claimed.add(etag);
    entries.push({ relative_path: relative, storage_path: `${hashUri}/${etag}`, size: file.sizeBytes, etag });
    options.onFile?.(file);
  });
  entries.sort((a, b) =>
    a.relative_path < b.relative_path ? -1 : a.relative_path > b.relative_path ? 1 : 0,
  );
  return { entries, storedObjects, storedBytes };
}

/** Downloads manifest entries into `dir`; paths escaping it are refused. Returns the bytes written. */
export async function fetchContent(
  storage: ObjectStorage,
  keyOf: (entry: ManifestEntry) => string,
  entries: readonly ManifestEntry[],
  dir: string,
  options: { readonly concurrency?: number; readonly signal?: AbortSignal } = {},
): Promise<number> {
  let bytes = 0;
  await forEachLimited(entries, options.concurrency ?? DEFAULT_CONCURRENCY, async (entry) => {
    if (!/^[0-9a-f]{64}$/.test(entry.etag))
      throw userError(`Invalid manifest entry for ${entry.relative_path}`);
    const target = await confinedPath(dir, entry.relative_path);
    await mkdir(dirname(target), { recursive: true });
    await storage.getToFile(keyOf(entry), target, options.signal);
    bytes += entry.size;
  });
  return bytes;
}

/** MD5 over the sorted `<relative path> <etag>` lines, as `osmo dataset checksum` prints it. */
export function manifestChecksum(entries: readonly Pick<ManifestEntry, 'relative_path' | 'etag'>[]): string {
  const lines = entries.map((e) => `${e.relative_path} ${e.etag}`).sort();
  return createHash('md5').update(lines.join('\n')).digest('hex');
}

/** A manifest as stored: a JSON array of entries; anything else is refused. */
export function parseManifest(text: string): ManifestEntry[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw userError('Dataset manifest is not a list');
  return parsed.map((raw: unknown) => {
    const e = raw as Partial<ManifestEntry>;
    if (typeof e.relative_path !== 'string' || typeof e.etag !== 'string' || typeof e.size !== 'number') {
      throw userError('Dataset manifest has an invalid entry');
    }
    return {
      relative_path: e.relative_path,
      storage_path: String(e.storage_path ?? ''),
      size: e.size,
      etag: e.etag,
    };
  });
}
