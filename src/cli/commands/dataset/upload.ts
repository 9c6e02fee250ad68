// `osmo dataset upload NAME PATH...`: start a version, store new content by hash, write the manifest, finish.
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { Command } from 'commander';
import { userError } from '../../../core/index.js';
import {
  joinKey,
  manifestChecksum,
  storeContent,
  walkFiles,
  type LocalContent,
  type ManifestEntry,
} from '../../../storage/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { createProgress, type ObjectProgress } from '../../output/progress.js';
import { listOption } from '../../parse/options.js';
import { compileRegex } from '../data/data-target.js';
import {
  addTransferFlags,
  concurrencyOf,
  writeBenchmark,
  type TransferFlags,
} from '../data/transfer-flags.js';
import {
  datasetPath,
  keyInBucket,
  openBucketStorage,
  resolveDatasetRef,
  type DatasetRef,
} from './dataset-ref.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export interface DatasetUploadFlags extends TransferFlags {
  readonly desc?: string;
  readonly metadata?: string[];
  readonly labels?: string[];
}

export function datasetUploadCommand(deps: CliDeps): Command {
  return addTransferFlags(
    new Command('upload')
      .description('Upload a new version of a dataset.')
      .argument('<name>', '[bucket/]name[:tag]')
      .argument('<path...>', 'Files or directories to upload (dir/* uploads its contents).')
      .option('-d, --desc <text>', 'Description of the version.')
      .addOption(listOption('-m, --metadata <file...>', 'YAML files of version metadata.'))
      .addOption(listOption('-l, --labels <file...>', 'YAML files of dataset labels.')),
  ).action(async (name: string, paths: string[], flags: DatasetUploadFlags) => {
    const regex = compileRegex(flags.regex);
    const files: LocalContent[] = [];
    for (const raw of paths) {
      const contents = raw.endsWith('/*');
      const path = resolve(contents ? raw.slice(0, -2) : raw);
      if ((await stat(path).catch(() => null)) === null) throw userError(`${path} is not a valid path`);
      const base = contents ? '' : basename(path);
      for (const f of await walkFiles(path, deps.signal)) {
        const relative = joinKey(base, f.relative);
        if (regex !== null && !regex.test(relative)) continue;
        files.push({
          relative,
          local: f.relative === '' ? path : `${path}/${f.relative}`,
          sizeBytes: f.sizeBytes,
        });
      }
    }
    const ref = await resolveDatasetRef(await deps.client(), name);
    await commitVersion(deps, ref, flags, [], files);
  });
}

/** Merges YAML files into one object (later files win). */
export async function readYamlFiles(files: readonly string[] | undefined): Promise<Record<string, unknown>> {
  const { parse } = await import('yaml');
  let out: Record<string, unknown> = {};
  for (const file of files ?? []) {
    const value: unknown = parse(await readFile(file, 'utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw userError(`${file} must hold a YAML mapping`);
    }
    out = { ...out, ...(value as Record<string, unknown>) };
  }
  return out;
}

/**
 * Starts a version, stores the files whose content is new, writes the manifest of `kept` + new
 * entries and finishes the version with its checksum and size.
 */
export async function commitVersion(
  deps: CliDeps,
  ref: DatasetRef,
  flags: DatasetUploadFlags,
  kept: readonly ManifestEntry[],
  files: readonly LocalContent[],
): Promise<void> {
  const client = await deps.client();
  const started = deps.nowMs();
  const start = await client.post(
    WIRE.DatasetUploadStarted,
    datasetPath(ref),
    { tag: ref.tag ?? '', description: flags.desc ?? '' },
    { metadata: await readYamlFiles(flags.metadata) },
  );
  const bucket = await openBucketStorage(client, ref.bucket, deps);
  const bytes = files.reduce((s, f) => s + f.sizeBytes, 0);
  const progress = createProgress(deps.io, 'Uploading', { files: files.length, bytes }, deps.nowMs);
  const inFlight = new Map<string, ObjectProgress>();
  const moving = (file: LocalContent): ObjectProgress => {
    const held = inFlight.get(file.local);
    if (held !== undefined) return held;
    const entry = progress.start(file.sizeBytes);
    inFlight.set(file.local, entry);
    return entry;
  };
  const hashUri = `${start.storage_path}/hashes`;
  const stored = await storeContent(bucket.storage, keyInBucket(bucket, hashUri), hashUri, files, {
    concurrency: concurrencyOf(flags),
    signal: deps.signal,
    onBytes: (f, n) => moving(f).bytes(n),
    onFile: (f) => {
      moving(f).done();
      inFlight.delete(f.local);
    },
  });
  progress.finish();
  const replaced = new Set(stored.entries.map((e) => e.relative_path));
  const entries = [...kept.filter((e) => !replaced.has(e.relative_path)), ...stored.entries].sort((a, b) =>
    a.relative_path < b.relative_path ? -1 : 1,
  );
  await bucket.storage.putBytes(
    keyInBucket(bucket, start.manifest_path),
    JSON.stringify(entries),
    deps.signal,
  );
  await client.post(
    WIRE.DatasetUpload,
    datasetPath(ref),
    {
      tag: ref.tag ?? '',
      finish: true,
      version_id: start.version_id,
      checksum: manifestChecksum(entries),
      size: entries.reduce((s, e) => s + e.size, 0),
      update_dataset_size: stored.storedBytes,
    },
    { labels: await readYamlFiles(flags.labels) },
  );
  const seconds = (deps.nowMs() - started) / 1000;
  await writeBenchmark(flags.benchmarkOut, 'upload', { files: files.length, bytes, seconds });
  deps.io.err(
    `Dataset ${ref.name} version ${start.version_id} has been uploaded to bucket ${ref.bucket}: ` +
      `${entries.length} files, ${stored.storedObjects} new objects stored.\n`,
  );
}
