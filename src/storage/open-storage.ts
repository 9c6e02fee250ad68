// Opens object storage from its serialisable description or from a storage URI.
import { assertNever, type StorageLocation, userError } from '../core/index.js';
import { usesPathStyle, type CredentialResolver } from './data-credential.js';
import { LocalStorage } from './local-storage.js';
import type { ObjectStorage } from './object-storage.js';
import { S3Storage } from './s3-storage.js';
import { parseStorageUri, SUPPORTED_STORAGE_SCHEMES, type StorageUri } from './storage-url.js';

const DEFAULT_REGION = 'us-east-1';

export function openStorage(location: StorageLocation): ObjectStorage {
  switch (location.kind) {
    case 'local':
      return new LocalStorage(location.root);
    case 's3':
      return new S3Storage(location);
    default:
      return assertNever(location);
  }
}

/** A storage URI opened as storage plus the key prefix it names. */
export interface StorageTarget {
  readonly storage: ObjectStorage;
  readonly prefix: string;
  readonly uri: StorageUri;
}

export const STORAGE_URL_SCHEMES = SUPPORTED_STORAGE_SCHEMES;

/**
 * Opens a storage URI such as `s3://bucket/path` or `file:///data/path`. The resolver supplies the
 * profile's DATA credential; without one S3 uses the SDK's ambient chain. The other schemes of the
 * reference (gs, azure, swift, tos) parse but are refused: this build has no client for them.
 */
export function openStorageUrl(url: string, resolve: CredentialResolver = () => null): StorageTarget {
  const uri = parseStorageUri(url);
  switch (uri.scheme) {
    case 'file':
      return { storage: new LocalStorage('/'), prefix: uri.prefix, uri };
    case 's3': {
      const credential = resolve(uri.profile);
      const storage = new S3Storage({
        bucket: uri.container,
        rootPrefix: '',
        region: credential?.region || DEFAULT_REGION,
        endpointUrl: credential?.endpointUrl ?? null,
        pathStyle: credential === null ? false : usesPathStyle(credential),
        credentials:
          credential === null
            ? null
            : { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey },
      });
      return { storage, prefix: uri.prefix, uri };
    }
    case 'gs':
    case 'azure':
    case 'swift':
    case 'tos':
      throw userError(
        `Storage scheme "${uri.scheme}" (${url}) is not supported by this build (supported: ${SUPPORTED_STORAGE_SCHEMES.join(', ')})`,
      );
    default:
      return assertNever(uri.scheme);
  }
}
