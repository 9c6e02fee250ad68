// Dataset names `[bucket/]name[:tag_or_version]`, the default bucket, sizes and bucket storage.
import { usageError } from '../../../core/index.js';
import type { OsmoClient } from '../../client/osmo-client.js';
import type { CliDeps } from '../../cli-deps.js';
import type { StorageTarget } from '../../../storage/index.js';
import { dataCredentialResolver, openDataTarget } from '../data/data-target.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export interface DatasetRef {
  readonly bucket: string;
  readonly name: string;
  /** A tag or version number; undefined when none was given. */
  readonly tag: string | undefined;
}

const PART = /^[a-zA-Z0-9_-]+$/;

/** Parses the name; a missing bucket is the user's default (`GET api/bucket?default_only=True`). */
export async function resolveDatasetRef(
  client: OsmoClient,
  text: string,
  options: { readonly tag?: 'forbidden' | 'required' } = {},
): Promise<DatasetRef> {
  const match = /^(?:([^/:]+)\/)?([^/:]+)(?::([^/:]*))?$/.exec(text);
  const [, bucket, name, tag] = match ?? [];
  if (name === undefined || !PART.test(name) || (bucket !== undefined && !PART.test(bucket))) {
    throw usageError(`Invalid dataset name: ${text}. Expected [bucket/]name[:tag].`);
  }
  if (tag !== undefined && tag !== '' && !PART.test(tag)) throw usageError(`Invalid tag: ${tag}`);
  if (options.tag === 'forbidden' && tag !== undefined)
    throw usageError(`${text}: a tag is not allowed here.`);
  if (options.tag === 'required' && (tag === undefined || tag === '')) {
    throw usageError(`${text}: a tag or version is required (NAME:TAG).`);
  }
  const resolvedBucket = bucket ?? (await defaultBucket(client));
  return { bucket: resolvedBucket, name, tag: tag === '' ? undefined : tag };
}

export async function defaultBucket(client: OsmoClient): Promise<string> {
  const answer = await client.get(WIRE.BucketList, 'api/bucket', { default_only: true });
  if (answer.default === null || answer.default === '') {
    throw usageError('No default bucket: name one as bucket/name.');
  }
  return answer.default;
}

export const datasetPath = (ref: Pick<DatasetRef, 'bucket' | 'name'>, suffix = ''): string =>
  `api/bucket/${encodeURIComponent(ref.bucket)}/dataset/${encodeURIComponent(ref.name)}${suffix}`;

/** `0 B`, `<n> B` under 1024, else one decimal with KiB..TiB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit] ?? 'TiB'}`;
}

/** The bucket's storage, opened with this machine's DATA credentials (config.yaml or the AWS environment). */
export async function openBucketStorage(
  client: OsmoClient,
  bucket: string,
  deps: CliDeps,
): Promise<StorageTarget & { readonly location: string }> {
  const location = await client.get(WIRE.BucketLocation, `api/bucket/${encodeURIComponent(bucket)}/location`);
  return {
    ...openDataTarget(location.path, await dataCredentialResolver(deps.env)),
    location: location.path,
  };
}

/** The key of a manifest URI (or object URI) inside the bucket storage opened from `location`. */
export function keyInBucket(
  target: { readonly prefix: string; readonly location: string },
  uri: string,
): string {
  if (!uri.startsWith(`${target.location}/`))
    throw usageError(`${uri} is outside bucket location ${target.location}`);
  const rest = uri.slice(target.location.length + 1);
  return target.prefix === '' ? rest : `${target.prefix}/${rest}`;
}

export const DASH_LINE = '-'.repeat(53);
