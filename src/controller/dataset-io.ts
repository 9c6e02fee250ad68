// Workflow dataset data (forms upstream removed, kept here): `dataset:` inputs resolved to stored objects before a
// launch, and `dataset:` outputs committed as new versions from the task's stored `{{output}}` after it exits.
import { createHash } from 'node:crypto';
import { type AttemptLaunch, type InputSource, userError } from '../core/index.js';
import type { DatasetOutputSpec, TaskSpec } from '../spec/index.js';
import { joinKey, manifestChecksum, type ManifestEntry } from '../storage/index.js';
import type { Workflow } from '../store/index.js';
import type { EngineContext } from './context.js';
import { outputPrefix } from './context.js';
import {
  DEFAULT_DATASET_BUCKET,
  datasetKeys,
  datasetUris,
  findBucket,
  openDatasetStorage,
  readDatasetManifest,
} from './dataset-buckets.js';

interface DatasetName {
  readonly bucket: string;
  readonly name: string;
  readonly tag: string | undefined;
}

function parseDatasetName(text: string): DatasetName {
  const match = /^(?:([^/:]+)\/)?([^/:]+)(?::([^/:]*))?$/.exec(text);
  if (match?.[2] === undefined) throw userError(`Invalid dataset name: ${text}`);
  return { bucket: match[1] ?? DEFAULT_DATASET_BUCKET, name: match[2], tag: match[3] || undefined };
}

/** Replaces each dataset input's object list with the named version's manifest. */
export async function withDatasetInputs(ctx: EngineContext, launch: AttemptLaunch): Promise<AttemptLaunch> {
  if (!launch.inputs.some((i) => i.kind === 'dataset')) return launch;
  const inputs: InputSource[] = [];
  for (const input of launch.inputs) {
    if (input.kind !== 'dataset') {
      inputs.push(input);
      continue;
    }
    const ref = parseDatasetName(input.name);
    const dataset = await ctx.store.datasets.get(ref.bucket, ref.name);
    if (dataset === null) throw userError(`Dataset ${ref.name} does not exist in bucket ${ref.bucket}.`);
    const members = dataset.isCollection
      ? await ctx.store.datasets.members(dataset.id)
      : [{ datasetId: dataset.id, versionId: ref.tag ?? 'latest' }];
    const objects: { key: string; path: string }[] = [];
    for (const m of members) {
      const version = await ctx.store.datasets.findVersion(m.datasetId, m.versionId);
      if (version === null) throw userError(`Dataset ${ref.name} has no READY version ${m.versionId}.`);
      await ctx.store.datasets.touchVersion(m.datasetId, version.versionId, ctx.now());
      const member = dataset.isCollection ? await ctx.store.datasets.getById(m.datasetId) : dataset;
      const entries = await readDatasetManifest(
        openDatasetStorage(ctx.storage),
        m.datasetId,
        version.versionId,
      );
      for (const e of entries) {
        objects.push({
          key: joinKey(datasetKeys.hashes(m.datasetId), e.etag),
          path: dataset.isCollection
            ? joinKey(member?.name ?? m.datasetId, e.relative_path)
            : e.relative_path,
        });
      }
    }
    inputs.push({ ...input, objects });
  }
  return { ...launch, inputs };
}

/** Commits every dataset output of a task whose command ran (whatever its exit code); failures are logged. */
export async function commitDatasetOutputs(
  ctx: EngineContext,
  workflow: Workflow,
  taskName: string,
  taskSpec: TaskSpec,
): Promise<void> {
  for (const output of taskSpec.outputs) {
    if (!('dataset' in output)) continue;
    try {
      await commitOne(ctx, workflow, taskName, output);
    } catch (err) {
      ctx.log.error(
        { workflowId: workflow.workflowId, task: taskName, dataset: output.dataset, err },
        'dataset output failed',
      );
    }
  }
}

async function commitOne(
  ctx: EngineContext,
  workflow: Workflow,
  taskName: string,
  output: DatasetOutputSpec,
): Promise<void> {
  const ref = parseDatasetName(output.dataset);
  const bucket = findBucket(ctx.storage, ref.bucket);
  const storage = openDatasetStorage(ctx.storage);
  const source = joinKey(outputPrefix(workflow.workflowId, taskName), output.path);
  const regex = output.regex ? new RegExp(output.regex) : null;
  const objects = (await storage.list(`${source}/`)).filter((o) =>
    regex === null ? true : regex.test(o.key.slice(source.length + 1)),
  );
  if (objects.length === 0) return;
  const at = ctx.now();
  let dataset = await ctx.store.datasets.get(bucket.name, ref.name);
  dataset ??= await ctx.store.datasets.create({
    name: ref.name,
    bucket: bucket.name,
    createdBy: workflow.submittedBy,
    at,
    isCollection: false,
    hashLocation: (id) => datasetUris.hashes(bucket, id),
  });
  if (dataset === null || dataset.isCollection)
    throw userError(`Dataset ${ref.name} cannot take a new version.`);
  const id = dataset.id;
  const version = await ctx.store.datasets.startVersion(id, {
    createdBy: workflow.submittedBy,
    at,
    metadata: { workflow_id: workflow.workflowId, task: taskName },
    location: (v) => datasetUris.manifest(bucket, id, v),
  });
  const entries: ManifestEntry[] = [];
  let storedBytes = 0;
  for (const object of objects) {
    const body = await storage.getBytes(object.key);
    const etag = createHash('sha256').update(body).digest('hex');
    const key = joinKey(datasetKeys.hashes(id), etag);
    if (!(await storage.exists(key))) {
      await storage.putBytes(key, body);
      storedBytes += body.length;
    }
    entries.push({
      relative_path: object.key.slice(source.length + 1),
      storage_path: `${datasetUris.hashes(bucket, id)}/${etag}`,
      size: body.length,
      etag,
    });
  }
  await storage.putBytes(datasetKeys.manifest(id, version.versionId), JSON.stringify(entries));
  await ctx.store.datasets.finishVersion(id, version.versionId, {
    sizeBytes: entries.reduce((s, e) => s + e.size, 0),
    checksum: manifestChecksum(entries),
    at: ctx.now(),
    ...(ref.tag !== undefined ? { tag: ref.tag } : {}),
  });
  await ctx.store.datasets.addHashSize(id, storedBytes);
}
