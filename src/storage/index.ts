// Object storage: the neutral interface, the local-directory and S3 kinds, URIs, credentials and the factory.
export type { ObjectStorage, StoredObject, TransferOptions } from './object-storage.js';
export { LocalStorage } from './local-storage.js';
export { S3Storage } from './s3-storage.js';
export type { S3Location } from './s3-storage.js';
export { normalizeKey, normalizePrefix, joinKey } from './storage-key.js';
export { openStorage, openStorageUrl, STORAGE_URL_SCHEMES } from './open-storage.js';
export type { StorageTarget } from './open-storage.js';
export {
  parseStorageUri,
  parseStorageProfile,
  STORAGE_SCHEMES,
  SUPPORTED_STORAGE_SCHEMES,
} from './storage-url.js';
export type { StorageUri, StorageScheme } from './storage-url.js';
export { ADDRESSING_STYLES, usesPathStyle } from './data-credential.js';
export type { AddressingStyle, DataCredential, CredentialResolver } from './data-credential.js';
export { confinedPath, walkFiles } from './directory-transfer.js';
export { countBytes, byteCounter } from './byte-count.js';
export { meteredStorage, newTransferTally } from './metered-storage.js';
export type { TransferTally } from './metered-storage.js';
export type { ByteListener } from './byte-count.js';
export {
  storeContent,
  fetchContent,
  manifestChecksum,
  parseManifest,
  sha256File,
  forEachLimited,
} from './content-store.js';
export type { ManifestEntry, LocalContent, StoreContentResult } from './content-store.js';
