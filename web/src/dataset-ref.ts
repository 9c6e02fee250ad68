// Dataset names as specs write them: `[bucket/]name[:tag]`.

export interface DatasetRef {
  readonly bucket: string;
  readonly name: string;
  readonly tag: string | null;
}

export function parseDatasetRef(ref: string, defaultBucket: string): DatasetRef {
  const slash = ref.indexOf('/');
  const bucket = slash > 0 ? ref.slice(0, slash) : defaultBucket;
  const rest = slash > 0 ? ref.slice(slash + 1) : ref;
  const colon = rest.indexOf(':');
  return colon > 0
    ? { bucket, name: rest.slice(0, colon), tag: rest.slice(colon + 1) }
    : { bucket, name: rest, tag: null };
}
