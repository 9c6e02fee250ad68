// Object storage kept in a local directory: a key is a file path under the root.
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { userError } from '../core/index.js';
import type { ObjectStorage, StoredObject, TransferOptions } from './object-storage.js';
import { byteCounter, type ByteListener } from './byte-count.js';
import { confinedPath, downloadTree, openConfined, uploadTree, walkFiles } from './directory-transfer.js';
import { joinKey, normalizeKey, normalizePrefix } from './storage-key.js';

export interface LocalStorageOptions {
  /**
   * The directory is not ours alone (an admin's `file://` root): objects are read and written only
   * where they really lie under it, never through a symlink out of it.
   */
  readonly confined?: boolean;
}

export class LocalStorage implements ObjectStorage {
  private readonly confined: boolean;

  constructor(
    readonly root: string,
    options: LocalStorageOptions = {},
  ) {
    this.confined = options.confined === true;
  }

  async putFile(key: string, localPath: string, signal?: AbortSignal, onBytes?: ByteListener): Promise<void> {
    signal?.throwIfAborted();
    await this.atomicWrite(key, (tmp) => copyCounted(localPath, tmp, signal, onBytes));
  }

  async putStream(key: string, body: Readable, signal?: AbortSignal): Promise<void> {
    await this.atomicWrite(key, (tmp) =>
      pipeline(body, createWriteStream(tmp), signal === undefined ? {} : { signal }),
    );
  }

  async putBytes(key: string, body: Uint8Array | string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    await this.atomicWrite(key, (tmp) => writeFile(tmp, body));
  }

  async getToFile(
    key: string,
    localPath: string,
    signal?: AbortSignal,
    onBytes?: ByteListener,
  ): Promise<void> {
    signal?.throwIfAborted();
    const path = await this.existingPath(key);
    await mkdir(dirname(localPath), { recursive: true });
    if (!this.confined) return copyCounted(path, localPath, signal, onBytes);
    const handle = await openConfined(await realpath(this.root), path);
    try {
      await copyCounted(`/proc/self/fd/${handle.fd}`, localPath, signal, onBytes);
    } finally {
      await handle.close();
    }
  }

  async getStream(key: string): Promise<Readable> {
    return createReadStream(await this.existingPath(key));
  }

  async getBytes(key: string, signal?: AbortSignal): Promise<Buffer> {
    return readFile(await this.existingPath(key), signal === undefined ? {} : { signal });
  }

  async exists(key: string): Promise<boolean> {
    return isFile(this.pathOf(key));
  }

  async list(prefix: string, signal?: AbortSignal): Promise<readonly StoredObject[]> {
    const normalized = normalizePrefix(prefix);
    // A trailing `/` means "inside this directory": `a/b/` must not match `a/bc`.
    const wanted = normalized !== '' && prefix.endsWith('/') ? `${normalized}/` : normalized;
    // Only the directory that can hold matches is walked; a partial last segment filters its siblings.
    const slash = wanted.lastIndexOf('/');
    const base = slash < 0 ? '' : wanted.slice(0, slash);
    const found = await walkFiles(join(this.root, ...base.split('/').filter(Boolean)), signal, this.confined);
    return found
      .map((f) => ({ key: joinKey(base, f.relative), sizeBytes: f.sizeBytes }))
      .filter((o) => o.key.startsWith(wanted))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async uploadDirectory(
    localDir: string,
    prefix: string,
    options: TransferOptions = {},
  ): Promise<readonly StoredObject[]> {
    return uploadTree(this, localDir, prefix, options);
  }

  async downloadPrefix(
    prefix: string,
    localDir: string,
    options: TransferOptions = {},
  ): Promise<readonly StoredObject[]> {
    return downloadTree(this, prefix, localDir, options);
  }

  private pathOf(key: string): string {
    return join(this.root, ...normalizeKey(key).split('/'));
  }

  private async existingPath(key: string): Promise<string> {
    const path = this.pathOf(key);
    if (!(await isFile(path))) throw userError(`Object "${normalizeKey(key)}" does not exist`, 404);
    return path;
  }

  // Write beside the target and rename, so readers never see half an object.
  private async atomicWrite(key: string, write: (tmpPath: string) => Promise<unknown>): Promise<void> {
    const path = this.confined ? await confinedPath(this.root, normalizeKey(key)) : this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.osmo-partial-${randomUUID()}`;
    try {
      await write(tmp);
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }
}

/** copyFile (which the kernel may do without reading into this process), streamed when someone counts. */
async function copyCounted(
  from: string,
  to: string,
  signal: AbortSignal | undefined,
  onBytes: ByteListener | undefined,
): Promise<void> {
  if (onBytes === undefined) return copyFile(from, to);
  await pipeline(
    createReadStream(from),
    byteCounter(onBytes),
    createWriteStream(to),
    signal === undefined ? {} : { signal },
  );
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

const isNotFound = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'ENOENT';
