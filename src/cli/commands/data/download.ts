// `osmo data download REMOTE_URI LOCAL_PATH`: the prefix's objects into a local directory.
import { mkdir, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { Command } from 'commander';
import { userError } from '../../../core/index.js';
import { confinedPath } from '../../../storage/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { createProgress } from '../../output/progress.js';
import { compileRegex, dataCredentialResolver, openDataTarget } from './data-target.js';
import {
  addTransferFlags,
  concurrencyOf,
  reportFailures,
  writeBenchmark,
  type TransferFlags,
} from './transfer-flags.js';

export interface DataDownloadOptions extends TransferFlags {
  readonly remoteUri: string;
  readonly localPath: string;
  readonly resume: boolean;
}

export function dataDownloadCommand(deps: CliDeps): Command {
  return addTransferFlags(
    new Command('download')
      .description('Download the objects under a storage URI into a local directory.')
      .argument('<remote_uri>', 'Source, e.g. s3://bucket/path.')
      .argument('<local_path>', 'The local directory (created when missing).')
      .option('-r, --resume', 'Skip objects already downloaded.', false),
  ).action((remoteUri: string, localPath: string, flags: TransferFlags & { resume: boolean }) =>
    runDataDownload({ ...flags, remoteUri, localPath }, deps),
  );
}

export async function runDataDownload(opts: DataDownloadOptions, deps: CliDeps): Promise<void> {
  const regex = compileRegex(opts.regex);
  const local = resolve(opts.localPath);
  const found = await stat(local).catch(() => null);
  if (found !== null && !found.isDirectory())
    throw userError(`${local} is not a valid path: it is not a directory`);
  const target = openDataTarget(opts.remoteUri, await dataCredentialResolver(deps.env));
  const started = deps.nowMs();
  let objects = await target.storage.list(target.prefix === '' ? '' : `${target.prefix}/`, deps.signal);
  let relativeOf = (key: string): string =>
    target.prefix === '' ? key : key.slice(target.prefix.length + 1);
  // A URI naming one object downloads that object beside the others, under its own name.
  if (objects.length === 0 && target.prefix !== '' && (await target.storage.exists(target.prefix))) {
    objects = (await target.storage.list(target.prefix, deps.signal)).filter((o) => o.key === target.prefix);
    relativeOf = (key) => basename(key);
  }
  const wanted = objects.filter((o) => regex === null || regex.test(relativeOf(o.key)));
  const total = { files: wanted.length, bytes: wanted.reduce((sum, o) => sum + o.sizeBytes, 0) };
  // Upstream wants the directory to exist already; as `cp -r` and `aws s3 cp` do, make it instead.
  if (found === null) await mkdir(local, { recursive: true });
  const progress = createProgress(deps.io, 'Downloading', total, deps.nowMs);
  const failures: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < wanted.length) {
      const object = wanted[next++];
      if (object === undefined) continue;
      try {
        const path = await confinedPath(local, relativeOf(object.key));
        const existing = await stat(path).catch(() => null);
        const moving = progress.start(object.sizeBytes);
        if (!(opts.resume && existing?.isFile() === true && existing.size === object.sizeBytes)) {
          await target.storage.getToFile(object.key, path, deps.signal, moving.bytes);
        }
        moving.done();
      } catch (err) {
        if (deps.signal.aborted || (err as { code?: string }).code === 'CREDENTIAL') throw err;
        failures.push(`${object.key}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrencyOf(opts), wanted.length)) }, worker),
  );
  progress.finish();
  await writeBenchmark(opts.benchmarkOut, 'download', { ...total, seconds: (deps.nowMs() - started) / 1000 });
  deps.io.err('Data has been downloaded\n');
  reportFailures(deps, 'Download', failures);
}
