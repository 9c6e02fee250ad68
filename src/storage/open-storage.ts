// Opens object storage from its serialisable description or from a storage URL.
import { fileURLToPath } from 'node:url';
import { assertNever, userError } from '../core/index.js';
import type { StorageLocation } from '../backends/backend.js';
import { LocalStorage } from './local-storage.js';
import type { ObjectStorage } from './object-storage.js';

export function openStorage(location: StorageLocation): ObjectStorage {
  switch (location.kind) {
    case 'local':
      return new LocalStorage(location.root);
    default:
      return assertNever(location.kind);
  }
}

/** A storage URL opened as storage plus the key prefix it names. */
export interface StorageTarget {
  readonly storage: ObjectStorage;
  readonly prefix: string;
}

export const STORAGE_URL_SCHEMES = ['file'] as const;

/**
 * Opens a storage URL such as `file:///data/bucket/path`. The cloud schemes of workflow-spec.md §7.7
 * need their own storage kind; until one is configured they are refused with a clear message.
 */
export function openStorageUrl(url: string): StorageTarget {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) throw userError(`Invalid storage URL "${url}": expected <scheme>://...`);
  if (scheme === 'file') {
    return { storage: new LocalStorage('/'), prefix: fileURLToPath(url).replace(/^\/+/, '') };
  }
  throw userError(
    `Storage URL scheme "${scheme}" is not supported by this deployment (supported: ${STORAGE_URL_SCHEMES.join(', ')})`,
  );
}
