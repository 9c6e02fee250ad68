// The neutral object-storage interface every storage kind (local directory, S3) implements.
import type { Readable } from 'node:stream';
import type { ByteListener } from './byte-count.js';

export interface StoredObject {
  /** The `/`-separated key, relative to the storage root. */
  readonly key: string;
  readonly sizeBytes: number;
}

/** Options of the directory transfers; `filter` sees the key relative to the prefix / directory. */
export interface TransferOptions {
  readonly filter?: (relativeKey: string) => boolean;
  readonly signal?: AbortSignal;
  /** Objects moved at once (default 8). */
  readonly concurrency?: number;
  /** Download only: skip objects whose local file already has the same size. */
  readonly resume?: boolean;
  /** Called after each object is moved (or skipped by resume), for progress. */
  readonly onObject?: (object: StoredObject, skipped: boolean) => void;
  /**
   * Upload only: the directory belongs to someone less trusted than this process (a task's output):
   * each file is opened without following a final symlink and read only if it really lies inside the
   * directory, whatever the directory's owner swaps in meanwhile.
   */
  readonly confined?: boolean;
  /** When given, a failed object is reported here and the transfer goes on; otherwise the first failure throws. */
  readonly onFailure?: (relativeKey: string, error: Error) => void;
}

export interface ObjectStorage {
  /** `onBytes` hears the file's bytes as they are read for sending (progress bars). */
  putFile(key: string, localPath: string, signal?: AbortSignal, onBytes?: ByteListener): Promise<void>;
  putStream(key: string, body: Readable, signal?: AbortSignal): Promise<void>;
  putBytes(key: string, body: Uint8Array | string, signal?: AbortSignal): Promise<void>;
  /** `onBytes` hears the object's bytes as they arrive. */
  getToFile(key: string, localPath: string, signal?: AbortSignal, onBytes?: ByteListener): Promise<void>;
  getStream(key: string): Promise<Readable>;
  getBytes(key: string, signal?: AbortSignal): Promise<Buffer>;
  exists(key: string): Promise<boolean>;
  /** Objects whose key starts with the prefix; a prefix ending without `/` also matches `prefix/…`. Sorted by key. */
  list(prefix: string, signal?: AbortSignal): Promise<readonly StoredObject[]>;
  delete(key: string): Promise<void>;
  /** Uploads every file under localDir to `<prefix>/<relative path>`; returns the stored objects. */
  uploadDirectory(
    localDir: string,
    prefix: string,
    options?: TransferOptions,
  ): Promise<readonly StoredObject[]>;
  /**
   * Downloads every object under `<prefix>/` into localDir, relative to the prefix (the prefix itself is
   * not a directory level); `filter` sees the relative key. Returns the downloaded objects.
   */
  downloadPrefix(
    prefix: string,
    localDir: string,
    options?: TransferOptions,
  ): Promise<readonly StoredObject[]>;
}
