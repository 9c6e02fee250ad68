// Legacy bucket and dataset API, part one: buckets, upload start/finish, download, delete.
import { z } from 'zod';
import { userError } from '../../core/index.js';
import {
  datasetBuckets,
  datasetKeys,
  datasetUris,
  DEFAULT_DATASET_BUCKET,
  openDatasetStorage,
  readDatasetManifest,
} from '../../controller/dataset-buckets.js';
import { flag } from '../contract/query-values.js';
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
import {
  BucketList,
  BucketLocation,
  DatasetDeleted,
  DatasetLocations,
  DatasetManifest,
  DatasetUpload,
} from '../contract/dataset-wire.js';

const BucketParams = z.object({ bucket: z.string() });
const DatasetParams = z.object({ bucket: z.string(), name: z.string() });
const JsonObject = z.record(z.string(), z.unknown());

export function datasetRoutes(deps: ApiDeps): RouteList {
  const { store } = deps;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/bucket',
      operationId: 'listBuckets',
      response: BucketList,
      summary: 'List dataset buckets and the caller default',
      access: 'user',
      query: z.object({ default_only: flag.default(false) }),
      handler: async ({ caller, query }) => {
        const all = datasetBuckets(deps.ctx.storage);
        // The caller's profile bucket wins; one no longer configured falls back to the deployment's.
        const chosen = caller ? (await store.profiles.get(caller.user)).bucket : null;
        const defaultName =
          all.some((b) => b.name === chosen) && chosen !== null ? chosen : DEFAULT_DATASET_BUCKET;
        const buckets = all.filter((b) => !query.default_only || b.name === defaultName);
        return {
          default: defaultName,
          buckets: Object.fromEntries(
            buckets.map((b) => [
              b.name,
              { path: b.path, description: b.description, mode: b.mode, default_cred: b.defaultCred },
            ]),
          ),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/bucket/:bucket/location',
      operationId: 'getBucketLocation',
      response: BucketLocation,
      summary: 'Where a bucket keeps its datasets',
      access: 'user',
      params: BucketParams,
      handler: async ({ params }) => {
        const bucket = bucketOf(deps, params.bucket);
        return { path: bucket.path, region: bucket.region };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/bucket/:bucket/dataset/:name',
      operationId: 'uploadDatasetVersion',
      response: DatasetUpload,
      summary: 'Start a dataset version upload, or finish it',
      access: 'user',
      params: DatasetParams,
      query: z.object({
        tag: z.string().default(''),
        description: z.string().default(''),
        resume: flag.default(false),
        finish: flag.default(false),
        version_id: z.string().optional(),
        checksum: z.string().default(''),
        size: z.coerce.number().int().nonnegative().default(0),
        update_dataset_size: z.coerce.number().int().nonnegative().default(0),
      }),
      body: z.object({ metadata: JsonObject.optional(), labels: JsonObject.optional() }).default({}),
      handler: async ({ params, query, body, caller }) => {
        const bucket = bucketOf(deps, params.bucket, true);
        checkDatasetName(params.name);
        if (query.tag !== '') checkTag(query.tag);
        const at = deps.ctx.now();
        if (query.finish) {
          const dataset = await existingDataset(store, bucket.name, params.name);
          assertDatasetWriter(dataset, caller);
          const versionId = query.version_id ?? '';
          const finished = await store.datasets.finishVersion(dataset.id, versionId, {
            sizeBytes: query.size,
            checksum: query.checksum,
            at,
            tag: query.tag,
          });
          if (!finished) throw userError(`Version ${versionId} of dataset ${dataset.name} is not pending.`);
          if (query.update_dataset_size > 0)
            await store.datasets.addHashSize(dataset.id, query.update_dataset_size);
          if (body.labels !== undefined && Object.keys(body.labels).length > 0) {
            await store.datasets.setLabels(dataset.id, { ...dataset.labels, ...body.labels });
          }
          return { version_id: versionId };
        }
        let dataset = await store.datasets.get(bucket.name, params.name);
        if (dataset === null) {
          dataset = await store.datasets.create({
            name: params.name,
            bucket: bucket.name,
            createdBy: callerName(caller),
            at,
            isCollection: false,
            hashLocation: (id) => datasetUris.hashes(bucket, id),
          });
          dataset ??= await existingDataset(store, bucket.name, params.name);
        }
        if (dataset.isCollection) throw userError(`${params.name} is a collection, not a dataset.`);
        assertDatasetWriter(dataset, caller);
        const metadata = {
          ...(body.metadata ?? {}),
          ...(query.description ? { description: query.description } : {}),
        };
        const version = await store.datasets.startVersion(dataset.id, {
          createdBy: callerName(caller),
          at,
          metadata,
          location: (v) => datasetUris.manifest(bucket, dataset.id, v),
        });
        return {
          version_id: version.versionId,
          region: bucket.region,
          storage_path: datasetUris.root(bucket, dataset.id),
          manifest_path: version.location,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/bucket/:bucket/dataset/:name',
      operationId: 'getDatasetLocations',
      response: DatasetLocations,
      summary: 'Manifest locations of a dataset version, or of every member of a collection',
      access: 'user',
      params: DatasetParams,
      query: z.object({ tag: z.string().default('latest') }),
      handler: async ({ params, query }) => {
        bucketOf(deps, params.bucket);
        const dataset = await existingDataset(store, params.bucket, params.name);
        const members = dataset.isCollection
          ? await store.datasets.members(dataset.id)
          : [
              {
                datasetId: dataset.id,
                versionId: (await existingVersion(store, dataset, query.tag)).versionId,
              },
            ];
        const out = {
          dataset_names: [] as string[],
          dataset_versions: [] as string[],
          locations: [] as string[],
        };
        for (const m of members) {
          const member = await store.datasets.getById(m.datasetId);
          const version = await store.datasets.findVersion(m.datasetId, m.versionId);
          if (member === null || version === null) continue;
          await store.datasets.touchVersion(m.datasetId, m.versionId, deps.ctx.now());
          out.dataset_names.push(member.name);
          out.dataset_versions.push(version.versionId);
          out.locations.push(version.location);
        }
        return { ...out, new_locations: out.locations, is_collection: dataset.isCollection };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/bucket/:bucket/dataset/:name/manifest',
      operationId: 'getDatasetManifest',
      response: DatasetManifest,
      summary: 'The manifest of one dataset version',
      access: 'user',
      params: DatasetParams,
      query: z.object({ version: z.string() }),
      handler: async ({ params, query }) => {
        bucketOf(deps, params.bucket);
        const dataset = await existingDataset(store, params.bucket, params.name);
        const version = await existingVersion(store, dataset, query.version);
        return readDatasetManifest(openDatasetStorage(deps.ctx.storage), dataset.id, version.versionId);
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/bucket/:bucket/dataset/:name',
      operationId: 'deleteDataset',
      response: DatasetDeleted,
      summary: 'Mark dataset versions PENDING_DELETE; the last one removes the dataset and its objects',
      access: 'user',
      params: DatasetParams,
      query: z.object({
        tag: z.string().optional(),
        all_flag: flag.default(false),
        finish: flag.default(false),
      }),
      handler: async ({ params, query, caller }) => {
        bucketOf(deps, params.bucket, true);
        const dataset = await existingDataset(store, params.bucket, params.name);
        assertDatasetWriter(dataset, caller);
        if (dataset.isCollection) {
          await store.datasets.remove(dataset.id);
          return { versions: [], delete_locations: [], cleaned_size: 0 };
        }
        const live = await store.datasets.listVersions(dataset.id, {
          all: true,
          limit: 1_000_000,
          order: 'ASC',
        });
        const targets = query.all_flag
          ? live.filter((v) => v.status === 'READY' || v.status === 'PENDING')
          : [await existingVersion(store, dataset, query.tag)];
        const ids = targets.map((v) => v.versionId);
        await store.datasets.setVersionStatus(dataset.id, ids, 'PENDING_DELETE');
        const remaining = live.filter((v) => !ids.includes(v.versionId) && v.status === 'READY');
        if (remaining.length > 0) return { versions: ids, delete_locations: [], cleaned_size: 0 };
        // No version is left: the dataset's objects (shared by its versions) go with it.
        const storage = openDatasetStorage(deps.ctx.storage);
        const root = datasetKeys.hashes(dataset.id).replace(/\/hashes$/, '');
        let cleaned = 0;
        for (const object of await storage.list(`${root}/`)) {
          cleaned += object.sizeBytes;
          await storage.delete(object.key);
        }
        await store.datasets.remove(dataset.id);
        return {
          versions: ids,
          delete_locations: [datasetUris.root(bucketOf(deps, params.bucket), dataset.id)],
          cleaned_size: cleaned,
        };
      },
    }),
  ];
}
