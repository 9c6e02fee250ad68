// Object storage that counts the bytes it moves, for the service's transfer metrics.
import type { Readable } from 'node:stream';
import { countBytes, type ByteListener } from './byte-count.js';
import type { ObjectStorage, StoredObject, TransferOptions } from './object-storage.js';

/** Bytes moved since the service started; read at scrape time. */
export interface TransferTally {
  uploadedBytes: number;
  downloadedBytes: number;
}

export const newTransferTally = (): TransferTally => ({ uploadedBytes: 0, downloadedBytes: 0 });

const sizeOf = (body: Uint8Array | string): number =>
  typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
const total = (objects: readonly StoredObject[]): number => objects.reduce((s, o) => s + o.sizeBytes, 0);

/** `inner` with every byte it sends counted as uploaded and every byte it fetches as downloaded. */
export function meteredStorage(inner: ObjectStorage, tally: TransferTally): ObjectStorage {
  const up: ByteListener = (n) => void (tally.uploadedBytes += n);
  const down: ByteListener = (n) => void (tally.downloadedBytes += n);
  const both =
    (mine: ByteListener, theirs: ByteListener | undefined): ByteListener =>
    (n) => {
      mine(n);
      theirs?.(n);
    };
  return {
    putFile: (key, path, signal, onBytes) => inner.putFile(key, path, signal, both(up, onBytes)),
    putStream: (key, body: Readable, signal) => inner.putStream(key, countBytes(body, up), signal),
    putBytes: async (key, body, signal) => {
      await inner.putBytes(key, body, signal);
      up(sizeOf(body));
    },
    getToFile: (key, path, signal, onBytes) => inner.getToFile(key, path, signal, both(down, onBytes)),
    getStream: async (key) => countBytes(await inner.getStream(key), down),
    getBytes: async (key, signal) => {
      const bytes = await inner.getBytes(key, signal);
      down(bytes.length);
      return bytes;
    },
    exists: (key) => inner.exists(key),
    list: (prefix, signal) => inner.list(prefix, signal),
    delete: (key) => inner.delete(key),
    uploadDirectory: async (dir, prefix, options?: TransferOptions) => {
      const objects = await inner.uploadDirectory(dir, prefix, options);
      up(total(objects));
      return objects;
    },
    downloadPrefix: async (prefix, dir, options?: TransferOptions) => {
      const objects = await inner.downloadPrefix(prefix, dir, options);
      down(total(objects));
      return objects;
    },
  };
}
