// Dataset buckets: named storage locations; this deployment has one, on its own storage.
import { type StorageLocation, userError } from '../core/index.js';
import { openStorage, parseManifest, type ManifestEntry, type ObjectStorage } from '../storage/index.js';

/** The bucket every deployment has: datasets kept under `datasets/` of the service's storage. */
export const DEFAULT_DATASET_BUCKET = 'osmo';
const KEY_ROOT = 'datasets';

export interface DatasetBucket {
  readonly name: string;
  /** The storage URI datasets of this bucket live under. */
  readonly path: string;
  readonly region: string;
  readonly description: string;
  readonly mode: 'read-write' | 'read-only';
  readonly defaultCred: boolean;
}

export function datasetBuckets(storage: StorageLocation): DatasetBucket[] {
  const path =
    storage.kind === 'local'
      ? `file://${storage.root.replace(/\/+$/, '')}/${KEY_ROOT}`
      : `s3://${[storage.bucket, storage.rootPrefix, KEY_ROOT].filter((p) => p !== '').join('/')}`;
  return [
    {
      name: DEFAULT_DATASET_BUCKET,
      path,
      region: storage.kind === 's3' ? storage.region : 'us-east-1',
      description: 'Datasets on the service storage',
      mode: 'read-write',
      defaultCred: storage.kind === 's3' && storage.credentials !== null,
    },
  ];
}

export function findBucket(storage: StorageLocation, name: string): DatasetBucket {
  const bucket = datasetBuckets(storage).find((b) => b.name === name);
  if (bucket === undefined) throw userError(`Bucket ${name} does not exist.`);
  return bucket;
}

/** Keys of a dataset inside the service's storage (the bucket's path as the service opens it). */
export const datasetKeys = {
  hashes: (id: string): string => `${KEY_ROOT}/${id}/hashes`,
  manifest: (id: string, version: string): string => `${KEY_ROOT}/${id}/manifests/${version}.json`,
};

/** URIs of the same places, as clients and the tables see them. */
export const datasetUris = {
  root: (bucket: DatasetBucket, id: string): string => `${bucket.path}/${id}`,
  hashes: (bucket: DatasetBucket, id: string): string => `${bucket.path}/${id}/hashes`,
  manifest: (bucket: DatasetBucket, id: string, version: string): string =>
    `${bucket.path}/${id}/manifests/${version}.json`,
};

export async function readDatasetManifest(
  storage: ObjectStorage,
  datasetId: string,
  version: string,
): Promise<ManifestEntry[]> {
  const key = datasetKeys.manifest(datasetId, version);
  if (!(await storage.exists(key)))
    throw userError(`Manifest of version ${version} is missing from storage.`);
  return parseManifest((await storage.getBytes(key)).toString('utf8'));
}

export const openDatasetStorage = (storage: StorageLocation): ObjectStorage => openStorage(storage);
