// The dataset aggregate: datasets and collections, versions, tags and members.
import type { ListOrder } from './repositories.js';

export const DATASET_VERSION_STATUSES = ['PENDING', 'READY', 'PENDING_DELETE', 'DELETED'] as const;
export type DatasetVersionStatus = (typeof DATASET_VERSION_STATUSES)[number];

/** `latest` always names the newest READY version; the store moves it, users cannot. */
export const LATEST_TAG = 'latest';

export interface Dataset {
  readonly id: string;
  readonly name: string;
  readonly bucket: string;
  readonly createdBy: string;
  readonly createdDate: Date;
  readonly isCollection: boolean;
  readonly labels: Readonly<Record<string, unknown>>;
  /** Where the dataset's content-addressed objects live; null for collections. */
  readonly hashLocation: string | null;
  readonly hashLocationSizeBytes: number;
  readonly lastVersion: number;
}

export interface DatasetVersion {
  readonly datasetId: string;
  readonly versionId: string;
  /** The manifest URI. */
  readonly location: string;
  readonly status: DatasetVersionStatus;
  readonly createdBy: string;
  readonly createdDate: Date;
  readonly lastUsed: Date;
  readonly sizeBytes: number;
  readonly checksum: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly tags: readonly string[];
}

export interface NewDataset {
  readonly name: string;
  readonly bucket: string;
  readonly createdBy: string;
  readonly at: Date;
  readonly isCollection: boolean;
  /** Builds the hash location from the new id (null for collections). */
  readonly hashLocation: (id: string) => string | null;
}

export interface CollectionMember {
  readonly datasetId: string;
  readonly versionId: string;
}

/** GET /api/bucket/list_dataset filters. */
export interface DatasetListFilters {
  readonly name?: string;
  readonly users?: readonly string[];
  readonly buckets?: readonly string[];
  readonly isCollection?: boolean;
  readonly order: ListOrder;
  readonly limit: number;
}

export interface DatasetRepository {
  /** Null when the name is taken in the bucket. */
  create(input: NewDataset): Promise<Dataset | null>;
  get(bucket: string, name: string): Promise<Dataset | null>;
  getById(id: string): Promise<Dataset | null>;
  list(filters: DatasetListFilters): Promise<Dataset[]>;
  /** False when the new name is taken in the bucket. */
  rename(id: string, newName: string): Promise<boolean>;
  setLabels(id: string, labels: Readonly<Record<string, unknown>>): Promise<void>;
  addHashSize(id: string, bytes: number): Promise<void>;
  remove(id: string): Promise<void>;

  /** A PENDING version numbered after the highest one ever started; `location(n)` is its manifest URI. */
  startVersion(
    datasetId: string,
    input: {
      readonly createdBy: string;
      readonly at: Date;
      readonly metadata: Readonly<Record<string, unknown>>;
      readonly location: (versionId: string) => string;
    },
  ): Promise<DatasetVersion>;
  /** PENDING -> READY, moving `latest` (and `tag` when given); false when the version was not PENDING. */
  finishVersion(
    datasetId: string,
    versionId: string,
    fields: {
      readonly sizeBytes: number;
      readonly checksum: string;
      readonly at: Date;
      readonly tag?: string;
    },
  ): Promise<boolean>;
  /** Newest first unless `order` is ASC; only READY versions unless `all`. */
  listVersions(
    datasetId: string,
    options: { readonly all: boolean; readonly limit: number; readonly order: ListOrder },
  ): Promise<DatasetVersion[]>;
  /** A version by number or tag (READY only unless `anyStatus`). */
  findVersion(datasetId: string, tagOrVersion: string, anyStatus?: boolean): Promise<DatasetVersion | null>;
  setVersionStatus(
    datasetId: string,
    versionIds: readonly string[],
    status: DatasetVersionStatus,
  ): Promise<void>;
  setMetadata(
    datasetId: string,
    versionId: string,
    metadata: Readonly<Record<string, unknown>>,
  ): Promise<void>;
  touchVersion(datasetId: string, versionId: string, at: Date): Promise<void>;
  /** Sets and deletes user tags on a version; `latest` is refused by the caller. */
  tagVersion(
    datasetId: string,
    versionId: string,
    set: readonly string[],
    remove: readonly string[],
  ): Promise<void>;

  setMembers(collectionId: string, members: readonly CollectionMember[]): Promise<void>;
  members(collectionId: string): Promise<CollectionMember[]>;
  /** Names of the collections holding a version of this dataset, by version id. */
  collectionsOf(datasetId: string): Promise<Map<string, string[]>>;
}
