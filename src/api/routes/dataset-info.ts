// Legacy dataset API, part two: info, list, attributes and collections.
import { z } from 'zod';
import { userError } from '../../core/index.js';
import type { Dataset, Store } from '../../store/index.js';
import { flag, repeated, wireTime } from '../contract/query-values.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import {
  assertDatasetWriter,
  bucketOf,
  callerName,
  checkDatasetName,
  checkTag,
  existingDataset,
  existingVersion,
} from './dataset-access.js';
import { CollectionMembers, DatasetAttributes, DatasetInfo, DatasetList } from '../contract/dataset-wire.js';
import { Done } from '../contract/wire-registry.js';

const DatasetParams = z.object({ bucket: z.string(), name: z.string() });
const Order = z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(['ASC', 'DESC']));
const MemberRef = z.object({
  name: z.string(),
  tag: z.string().default('latest'),
  bucket: z.string().optional(),
});

async function infoOf(store: Store, dataset: Dataset, all: boolean, count: number, order: 'ASC' | 'DESC') {
  const base = {
    name: dataset.name,
    id: dataset.id,
    bucket: dataset.bucket,
    created_by: dataset.createdBy,
    created_date: wireTime(dataset.createdDate),
    hash_location: dataset.hashLocation,
    hash_location_size: dataset.hashLocationSizeBytes,
    labels: dataset.labels,
    type: dataset.isCollection ? ('COLLECTION' as const) : ('DATASET' as const),
  };
  if (dataset.isCollection) {
    const versions = [];
    for (const m of await store.datasets.members(dataset.id)) {
      const member = await store.datasets.getById(m.datasetId);
      const version = await store.datasets.findVersion(m.datasetId, m.versionId, true);
      if (member === null || version === null) continue;
      versions.push({
        name: member.name,
        version: version.versionId,
        location: version.location,
        uri: version.location,
        hash_location: member.hashLocation,
        size: version.sizeBytes,
      });
    }
    return { ...base, versions };
  }
  const collections = await store.datasets.collectionsOf(dataset.id);
  const versions = (await store.datasets.listVersions(dataset.id, { all, limit: count, order })).map((v) => ({
    name: dataset.name,
    version: v.versionId,
    status: v.status,
    created_by: v.createdBy,
    created_date: wireTime(v.createdDate),
    last_used: wireTime(v.lastUsed),
    size: v.sizeBytes,
    checksum: v.checksum,
    location: v.location,
    uri: v.location,
    metadata: v.metadata,
    tags: [...v.tags],
    collections: [...(collections.get(v.versionId) ?? [])],
  }));
  return { ...base, versions };
}

/** Members named `[bucket/]name` with a tag, resolved to pinned READY versions. */
async function resolveMembers(deps: ApiDeps, bucket: string, refs: readonly z.infer<typeof MemberRef>[]) {
  const members = [];
  for (const ref of refs) {
    const dataset = await existingDataset(deps.store, ref.bucket ?? bucket, ref.name);
    if (dataset.isCollection) throw userError(`${ref.name} is a collection; collections hold datasets.`);
    members.push({
      datasetId: dataset.id,
      versionId: (await existingVersion(deps.store, dataset, ref.tag)).versionId,
    });
  }
  return members;
}

export function datasetInfoRoutes(deps: ApiDeps): RouteList {
  const { store } = deps;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/bucket/:bucket/dataset/:name/info',
      operationId: 'getDatasetInfo',
      response: DatasetInfo,
      summary: 'A dataset with its versions, or a collection with its members',
      access: 'user',
      params: DatasetParams,
      query: z.object({
        tag: z.string().optional(),
        all_flag: flag.default(false),
        count: z.coerce.number().int().min(1).default(100),
        order: Order.default('ASC'),
      }),
      handler: async ({ params, query }) => {
        bucketOf(deps, params.bucket);
        const dataset = await existingDataset(store, params.bucket, params.name);
        const info = await infoOf(store, dataset, query.all_flag, query.count, query.order);
        if (query.tag === undefined || dataset.isCollection) return info;
        const version = await existingVersion(store, dataset, query.tag, true);
        return { ...info, versions: info.versions.filter((v) => v.version === version.versionId) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/bucket/list_dataset',
      operationId: 'listDatasets',
      response: DatasetList,
      summary: 'Datasets and collections, the caller own by default',
      access: 'user',
      query: z.object({
        name: z.string().optional(),
        user: repeated,
        buckets: repeated,
        dataset_type: z.enum(['DATASET', 'COLLECTION']).optional(),
        all_users: flag.default(false),
        order: Order.default('ASC'),
        count: z.coerce.number().int().min(1).max(1000, 'count must be at most 1000').default(20),
      }),
      handler: async ({ query, caller }) => {
        const users = query.all_users ? [] : query.user.length > 0 ? query.user : [callerName(caller)];
        const rows = await store.datasets.list({
          ...(query.name !== undefined ? { name: query.name } : {}),
          users,
          buckets: query.buckets,
          ...(query.dataset_type !== undefined ? { isCollection: query.dataset_type === 'COLLECTION' } : {}),
          order: query.order,
          limit: query.count,
        });
        const datasets = [];
        for (const d of rows) {
          const latest = d.isCollection ? null : await store.datasets.findVersion(d.id, 'latest');
          datasets.push({
            name: d.name,
            id: d.id,
            bucket: d.bucket,
            create_time: wireTime(d.createdDate),
            last_created: latest === null ? null : wireTime(latest.createdDate),
            hash_location: d.hashLocation,
            hash_location_size: d.hashLocationSizeBytes,
            version_id: latest?.versionId ?? null,
            type: d.isCollection ? ('COLLECTION' as const) : ('DATASET' as const),
          });
        }
        return { datasets };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/bucket/:bucket/dataset/:name/attribute',
      operationId: 'updateDatasetAttributes',
      response: DatasetAttributes,
      summary: 'Rename a dataset, or change its tags, labels or version metadata',
      access: 'user',
      params: DatasetParams,
      query: z.object({
        tag: z.string().optional(),
        new_name: z.string().optional(),
        set_tag: repeated,
        delete_tag: repeated,
        delete_label: repeated,
        delete_metadata: repeated,
      }),
      body: z
        .object({
          set_label: z.record(z.string(), z.unknown()).optional(),
          set_metadata: z.record(z.string(), z.unknown()).optional(),
        })
        .default({}),
      handler: async ({ params, query, body, caller }) => {
        bucketOf(deps, params.bucket, true);
        const dataset = await existingDataset(store, params.bucket, params.name);
        assertDatasetWriter(dataset, caller);
        if (query.new_name !== undefined) {
          checkDatasetName(query.new_name);
          if (!(await store.datasets.rename(dataset.id, query.new_name))) {
            throw userError(`Dataset ${query.new_name} already exists in bucket ${dataset.bucket}.`);
          }
        }
        let tagResponse = null;
        if (query.set_tag.length > 0 || query.delete_tag.length > 0) {
          for (const t of [...query.set_tag, ...query.delete_tag]) checkTag(t);
          const version = await existingVersion(store, dataset, query.tag);
          await store.datasets.tagVersion(dataset.id, version.versionId, query.set_tag, query.delete_tag);
          const now = await existingVersion(store, dataset, version.versionId);
          tagResponse = { version_id: now.versionId, tags: [...now.tags] };
        }
        let labelResponse = null;
        if (body.set_label !== undefined || query.delete_label.length > 0) {
          const labels = { ...dataset.labels, ...(body.set_label ?? {}) };
          for (const key of query.delete_label) delete labels[key];
          await store.datasets.setLabels(dataset.id, labels);
          labelResponse = { metadata: labels };
        }
        let metadataResponse = null;
        if (body.set_metadata !== undefined || query.delete_metadata.length > 0) {
          const version = await existingVersion(store, dataset, query.tag);
          const metadata = { ...version.metadata, ...(body.set_metadata ?? {}) };
          for (const key of query.delete_metadata) delete metadata[key];
          await store.datasets.setMetadata(dataset.id, version.versionId, metadata);
          metadataResponse = { metadata };
        }
        return {
          tag_response: tagResponse,
          label_response: labelResponse,
          metadata_response: metadataResponse,
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/bucket/:bucket/dataset/:name/collect',
      operationId: 'createCollection',
      response: Done,
      summary: 'Create a collection pinning dataset versions',
      access: 'user',
      params: DatasetParams,
      body: z.object({ datasets: z.array(MemberRef).min(1, 'A collection needs at least one dataset.') }),
      handler: async ({ params, body, caller }) => {
        const bucket = bucketOf(deps, params.bucket, true);
        checkDatasetName(params.name);
        const members = await resolveMembers(deps, bucket.name, body.datasets);
        const made = await store.datasets.create({
          name: params.name,
          bucket: bucket.name,
          createdBy: callerName(caller),
          at: deps.ctx.now(),
          isCollection: true,
          hashLocation: () => null,
        });
        if (made === null) throw userError(`Dataset ${params.name} already exists in bucket ${bucket.name}.`);
        await store.datasets.setMembers(made.id, members);
        return null;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/bucket/:bucket/dataset/:name/recollect',
      operationId: 'updateCollection',
      response: CollectionMembers,
      summary: 'Change the members of a collection; an empty collection is deleted',
      access: 'user',
      params: DatasetParams,
      body: z.object({
        add_datasets: z.array(MemberRef).default([]),
        remove_datasets: z.array(MemberRef).default([]),
      }),
      handler: async ({ params, body, caller }) => {
        bucketOf(deps, params.bucket, true);
        const collection = await existingDataset(store, params.bucket, params.name);
        if (!collection.isCollection) throw userError(`${params.name} is not a collection.`);
        assertDatasetWriter(collection, caller);
        const removed = new Set<string>();
        for (const ref of body.remove_datasets) {
          removed.add((await existingDataset(store, ref.bucket ?? params.bucket, ref.name)).id);
        }
        const kept = (await store.datasets.members(collection.id)).filter((m) => !removed.has(m.datasetId));
        const added = await resolveMembers(deps, params.bucket, body.add_datasets);
        const members = [...kept.filter((m) => !added.some((a) => a.datasetId === m.datasetId)), ...added];
        if (members.length === 0) {
          await store.datasets.remove(collection.id);
          return { versions: [] };
        }
        await store.datasets.setMembers(collection.id, members);
        const versions = [];
        for (const m of members) {
          const member = await store.datasets.getById(m.datasetId);
          versions.push({ dataset_name: member?.name ?? m.datasetId, version: m.versionId });
        }
        return { versions };
      },
    }),
  ];
}
