// Names, buckets and the owner rule of the dataset routes.
import { userError } from '../../core/index.js';
import type { DatasetBucket } from '../../controller/dataset-buckets.js';
import { findBucket } from '../../controller/dataset-buckets.js';
import type { Dataset, DatasetVersion, Store } from '../../store/index.js';
import { isAdmin } from '../auth/caller.js';
import type { Caller } from '../auth/caller.js';
import type { ApiDeps } from '../deps.js';

const NAME = /^[a-zA-Z0-9_-]+$/;
const TAG = /^[a-zA-Z0-9_-]*$/;

export function checkDatasetName(name: string, what = 'Name'): void {
  if (!NAME.test(name)) {
    throw userError(
      `${what} ${name} can only consist of lower and upper case letters, numbers, "-" and "_".`,
    );
  }
}

/** Numbers denote versions, so a tag may not be one; `latest` belongs to the service. */
export function checkTag(tag: string, allowLatest = false): void {
  if (!TAG.test(tag)) throw userError(`Tag ${tag} can only consist of letters, numbers, "-" and "_".`);
  if (/^\d+$/.test(tag)) throw userError(`Tag ${tag} cannot be only numbers: numbers denote versions.`);
  if (!allowLatest && tag === 'latest') throw userError('The tag latest is maintained by the service.');
}

export function bucketOf(deps: ApiDeps, name: string, write = false): DatasetBucket {
  checkDatasetName(name, 'Bucket');
  const bucket = findBucket(deps.ctx.storage, name);
  if (write && bucket.mode === 'read-only') throw userError(`Bucket ${name} is read-only.`);
  return bucket;
}

export async function existingDataset(store: Store, bucket: string, name: string): Promise<Dataset> {
  checkDatasetName(name);
  const dataset = await store.datasets.get(bucket, name);
  if (dataset === null) throw userError(`Dataset ${name} does not exist in bucket ${bucket}.`);
  return dataset;
}

export async function existingVersion(
  store: Store,
  dataset: Dataset,
  tag: string | undefined,
  anyStatus = false,
): Promise<DatasetVersion> {
  const version = await store.datasets.findVersion(dataset.id, tag || 'latest', anyStatus);
  if (version === null) {
    throw userError(`Dataset ${dataset.name} has no ${anyStatus ? '' : 'READY '}version ${tag || 'latest'}.`);
  }
  return version;
}

/** Everyone logged in reads datasets (`dataset:Read` of osmo-user); changes are for the creator or an admin. */
export function assertDatasetWriter(dataset: Dataset, caller: Caller | null): void {
  if (caller !== null && (caller.user === dataset.createdBy || isAdmin(caller))) return;
  throw userError(`Only the creator of dataset ${dataset.name} (${dataset.createdBy}) may change it.`, 403);
}

export const callerName = (caller: Caller | null): string => caller?.user ?? '';
