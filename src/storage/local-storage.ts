// Object storage kept in a local directory: a key is a file path under the root.
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { userError } from '../core/index.js';
import type { ObjectStorage, StoredObject, TransferOptions } from './object-storage.js';
import { joinKey, normalizeKey, normalizePrefix } from './storage-key.js';

export class LocalStorage implements ObjectStorage {
  constructor(readonly root: string) {}

  async putFile(key: string, localPath: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    await this.atomicWrite(key, (tmp) => copyFile(localPath, tmp));
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

  async getToFile(key: string, localPath: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const path = await this.existingPath(key);
    await mkdir(dirname(localPath), { recursive: true });
    await copyFile(path, localPath);
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
    const found = await walk(join(this.root, ...base.split('/').filter(Boolean)), signal);
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
    const files = await walk(localDir, options.signal);
    const stored: StoredObject[] = [];
    for (const file of files) {
      options.signal?.throwIfAborted();
      if (options.filter !== undefined && !options.filter(file.relative)) continue;
      const key = joinKey(normalizePrefix(prefix), file.relative);
      await this.putFile(key, join(localDir, ...file.relative.split('/')));
      stored.push({ key, sizeBytes: file.sizeBytes });
    }
    return stored;
  }

  async downloadPrefix(
    prefix: string,
    localDir: string,
    options: TransferOptions = {},
  ): Promise<readonly StoredObject[]> {
    const base = normalizePrefix(prefix);
    const objects = await this.list(base === '' ? '' : `${base}/`, options.signal);
    const downloaded: StoredObject[] = [];
    await mkdir(localDir, { recursive: true });
    for (const object of objects) {
      options.signal?.throwIfAborted();
      const rel = base === '' ? object.key : object.key.slice(base.length + 1);
      if (options.filter !== undefined && !options.filter(rel)) continue;
      await this.getToFile(object.key, join(localDir, ...rel.split('/')));
      downloaded.push({ key: rel, sizeBytes: object.sizeBytes });
    }
    return downloaded;
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
    const path = this.pathOf(key);
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

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

interface WalkedFile {
  readonly relative: string;
  readonly sizeBytes: number;
}

/** Every regular file under dir (following no symlinked directories), relative with `/`; empty if dir is missing. */
async function walk(dir: string, signal?: AbortSignal): Promise<WalkedFile[]> {
  const out: WalkedFile[] = [];
  const visit = async (current: string): Promise<void> => {
    signal?.throwIfAborted();
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (err) {
      if (isNotFound(err) || isNotDirectory(err)) return;
      throw err;
    }
    for (const entry of entries) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) await visit(full);
      else if (entry.isFile() || entry.isSymbolicLink()) {
        // A dangling symlink is not an object: skip it rather than fail the whole walk.
        const info = await stat(full).catch(() => null);
        if (info?.isFile() === true && !entry.name.includes('.osmo-partial-')) {
          out.push({ relative: relative(dir, full).split(sep).join('/'), sizeBytes: info.size });
        }
      }
    }
  };
  await visit(dir);
  return out;
}

const isNotFound = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'ENOENT';
const isNotDirectory = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'ENOTDIR';
