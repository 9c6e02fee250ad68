// Wire schemas of dataset buckets, datasets, their versions and collections.
import { z } from 'zod';
import { wire } from './wire-registry.js';

const json = z.record(z.string(), z.unknown());
const time = z.string().nullable();

export const BucketList = wire(
  'BucketList',
  z.object({
    default: z.string().nullable(),
    buckets: z.record(
      z.string(),
      z.object({
        path: z.string(),
        description: z.string(),
        mode: z.string(),
        default_cred: z.boolean(),
      }),
    ),
  }),
);

export const BucketLocation = wire('BucketLocation', z.object({ path: z.string(), region: z.string() }));

/** A started upload: where to write its objects and manifest. */
export const DatasetUploadStarted = wire(
  'DatasetUploadStarted',
  z.object({
    version_id: z.string(),
    region: z.string(),
    storage_path: z.string(),
    manifest_path: z.string(),
  }),
);

/** Started, or with `finish` the finished version's id only. */
export const DatasetUpload = wire(
  'DatasetUpload',
  z.union([DatasetUploadStarted, z.object({ version_id: z.string() })]),
);

/** Manifest locations of one version, or of every member of a collection. */
export const DatasetLocations = wire(
  'DatasetLocations',
  z.object({
    dataset_names: z.array(z.string()),
    dataset_versions: z.array(z.string()),
    locations: z.array(z.string()),
    new_locations: z.array(z.string()),
    is_collection: z.boolean(),
  }),
);

export const ManifestEntry = wire(
  'ManifestEntry',
  z.object({ relative_path: z.string(), storage_path: z.string(), size: z.number(), etag: z.string() }),
);
export const DatasetManifest = wire('DatasetManifest', z.array(ManifestEntry));
export type DatasetLocations = z.infer<typeof DatasetLocations>;

export const DatasetDeleted = wire(
  'DatasetDeleted',
  z.object({
    versions: z.array(z.string()),
    delete_locations: z.array(z.string()),
    cleaned_size: z.number(),
  }),
);

/**
 * A version of a dataset, or a member of a collection (name, version, location, uri, size and the
 * member's hash_location only).
 */
export const DatasetInfoVersion = wire(
  'DatasetInfoVersion',
  z.object({
    name: z.string(),
    version: z.string(),
    status: z.string().optional(),
    created_by: z.string().optional(),
    created_date: time.optional(),
    last_used: time.optional(),
    size: z.number(),
    checksum: z.string().nullable().optional(),
    location: z.string(),
    uri: z.string(),
    hash_location: z.string().nullable().optional(),
    metadata: json.optional(),
    tags: z.array(z.string()).optional(),
    collections: z.array(z.string()).optional(),
  }),
);

/** A dataset with its versions, or a collection (`type` COLLECTION) with its members. */
export type DatasetInfoVersion = z.infer<typeof DatasetInfoVersion>;

export const DatasetInfo = wire(
  'DatasetInfo',
  z.object({
    name: z.string(),
    id: z.string(),
    bucket: z.string(),
    created_by: z.string(),
    created_date: time,
    hash_location: z.string().nullable(),
    hash_location_size: z.number().nullable(),
    labels: json,
    type: z.enum(['DATASET', 'COLLECTION']),
    versions: z.array(DatasetInfoVersion),
  }),
);

export type DatasetInfo = z.infer<typeof DatasetInfo>;

export const DatasetListEntry = wire(
  'DatasetListEntry',
  z.object({
    name: z.string(),
    id: z.string(),
    bucket: z.string(),
    create_time: time,
    last_created: time,
    hash_location: z.string().nullable(),
    hash_location_size: z.number().nullable(),
    version_id: z.string().nullable(),
    type: z.enum(['DATASET', 'COLLECTION']),
  }),
);
export type DatasetListEntry = z.infer<typeof DatasetListEntry>;
export const DatasetList = wire('DatasetList', z.object({ datasets: z.array(DatasetListEntry) }));

/** What each requested change did; null where none was asked for. */
export const DatasetAttributes = wire(
  'DatasetAttributes',
  z.object({
    tag_response: z.object({ version_id: z.string(), tags: z.array(z.string()) }).nullable(),
    label_response: z.object({ metadata: json }).nullable(),
    metadata_response: z.object({ metadata: json }).nullable(),
  }),
);

export const CollectionMembers = wire(
  'CollectionMembers',
  z.object({ versions: z.array(z.object({ dataset_name: z.string(), version: z.string() })) }),
);
