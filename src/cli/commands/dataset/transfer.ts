// `osmo dataset download` and `osmo dataset update`: a version's files out, or a new version from an old one.
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { userError, usageError } from '../../../core/index.js';
import {
  fetchContent,
  joinKey,
  walkFiles,
  type LocalContent,
  type ManifestEntry,
} from '../../../storage/index.js';
import type { OsmoClient } from '../../client/osmo-client.js';
import type { CliDeps } from '../../cli-deps.js';
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
import { commitVersion, type DatasetUploadFlags } from './upload.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

/** The manifest of one version, read through the service. */
export async function fetchManifest(
  client: OsmoClient,
  ref: DatasetRef,
  version: string,
): Promise<ManifestEntry[]> {
  return await client.get(WIRE.DatasetManifest, datasetPath(ref, '/manifest'), { version });
}

export function datasetDownloadCommand(deps: CliDeps): Command {
  return addTransferFlags(
    new Command('download')
      .description('Download a dataset version (or every member of a collection).')
      .argument('<name>', '[bucket/]name[:tag_or_version]')
      .argument('<path>', 'An existing directory.')
      .option('-r, --resume', 'Resume a download into a non-empty directory.'),
  ).action(async (name: string, path: string, flags: TransferFlags & { resume?: boolean }) => {
    const dir = resolve(path);
    if (!(await stat(dir).catch(() => null))?.isDirectory())
      throw userError(`Path ${dir} is not a directory`);
    if (flags.resume !== true && (await readdir(dir)).length > 0) throw userError(`Path ${dir} is not empty`);
    const regex = compileRegex(flags.regex);
    const client = await deps.client();
    const ref = await resolveDatasetRef(client, name);
    const started = deps.nowMs();
    const located = await client.get(WIRE.DatasetLocations, datasetPath(ref), { tag: ref.tag ?? 'latest' });
    const bucket = await openBucketStorage(client, ref.bucket, deps);
    let files = 0;
    let bytes = 0;
    for (const [i, member] of located.dataset_names.entries()) {
      const version = located.dataset_versions[i] ?? '';
      const entries = (await fetchManifest(client, { ...ref, name: member }, version)).filter(
        (e) => regex === null || regex.test(e.relative_path),
      );
      // A collection lands one directory per member dataset.
      const target = located.is_collection ? join(dir, member) : dir;
      await mkdir(target, { recursive: true });
      bytes += await fetchContent(
        bucket.storage,
        (e) => keyInBucket(bucket, e.storage_path),
        entries,
        target,
        {
          concurrency: concurrencyOf(flags),
          signal: deps.signal,
        },
      );
      files += entries.length;
      deps.io.err(`Dataset ${member} version ${version} has been downloaded to ${target}\n`);
    }
    const seconds = (deps.nowMs() - started) / 1000;
    await writeBenchmark(flags.benchmarkOut, 'download', { files, bytes, seconds });
  });
}

/** `--add PATH[:REMOTE]`: `\:` escapes a colon inside the local path. */
function splitAdd(spec: string): { local: string; remote: string } {
  const match = /^((?:[^:\\]|\\.)*)(?::(.*))?$/.exec(spec);
  const local = (match?.[1] ?? spec).replace(/\\:/g, ':');
  return { local, remote: match?.[2] ?? '' };
}

export function datasetUpdateCommand(deps: CliDeps): Command {
  return addTransferFlags(
    new Command('update')
      .description('Create a new version from an existing one, adding and removing files.')
      .argument('<name>', '[bucket/]name[:tag_or_version] of the base version')
      .addOption(listOption('-a, --add <path...>', 'PATH[:REMOTE] to add (escape ":" as "\\:").'))
      .addOption(listOption('-r, --remove <regex...>', 'Remove files whose path matches.'))
      .addOption(listOption('-m, --metadata <file...>', 'YAML files of version metadata.'))
      .addOption(listOption('-l, --labels <file...>', 'YAML files of dataset labels.')),
  ).action(async (name: string, flags: DatasetUploadFlags & { add?: string[]; remove?: string[] }) => {
    if ((flags.add ?? []).length === 0 && (flags.remove ?? []).length === 0) {
      throw usageError('Nothing to update: give --add and/or --remove.');
    }
    const client = await deps.client();
    const ref = await resolveDatasetRef(client, name);
    const base = await client.get(WIRE.DatasetLocations, datasetPath(ref), { tag: ref.tag ?? 'latest' });
    if (base.is_collection)
      throw userError(`${ref.name} is a collection; update its members with recollect.`);
    const removers = (flags.remove ?? []).map((r) => compileRegex(r)).filter((r): r is RegExp => r !== null);
    const kept = (await fetchManifest(client, ref, base.dataset_versions[0] ?? '')).filter(
      (e) => !removers.some((r) => r.test(e.relative_path)),
    );
    const files: LocalContent[] = [];
    for (const spec of flags.add ?? []) {
      const { local, remote } = splitAdd(spec);
      const path = resolve(local);
      const info = await stat(path).catch(() => null);
      if (info === null) throw userError(`${path} is not a valid path`);
      for (const f of await walkFiles(path, deps.signal)) {
        const relative = info.isDirectory()
          ? joinKey(remote, f.relative)
          : joinKey(remote, path.split('/').pop() ?? '');
        files.push({
          relative,
          local: f.relative === '' ? path : `${path}/${f.relative}`,
          sizeBytes: f.sizeBytes,
        });
      }
    }
    // The new version takes the base's tag only when a plain tag (not a version number) was named.
    await commitVersion(deps, { ...ref, tag: undefined }, flags, kept, files);
  });
}
