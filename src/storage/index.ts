// Object storage: the neutral interface, the local-directory kind, and the factory.
export type { ObjectStorage, StoredObject, TransferOptions } from './object-storage.js';
export { LocalStorage } from './local-storage.js';
export { normalizeKey, normalizePrefix, joinKey } from './storage-key.js';
export { openStorage, openStorageUrl, STORAGE_URL_SCHEMES } from './open-storage.js';
export type { StorageTarget } from './open-storage.js';
