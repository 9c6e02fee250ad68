// `osmo data upload REMOTE_URI LOCAL_PATH...`: files and directories under the remote prefix.
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { Command } from 'commander';
import { userError } from '../../../core/index.js';
import { joinKey, walkFiles } from '../../../storage/index.js';
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

export interface DataUploadOptions extends TransferFlags {
  readonly remoteUri: string;
  readonly localPaths: readonly string[];
}

export function dataUploadCommand(deps: CliDeps): Command {
  return addTransferFlags(
    new Command('upload')
      .description('Upload files and directories to a storage URI.')
      .argument('<remote_uri>', 'Destination, e.g. s3://bucket/path.')
      .argument('<local_path...>', 'Files or directories to upload.'),
  ).action((remoteUri: string, localPaths: string[], flags: TransferFlags) =>
    runDataUpload({ ...flags, remoteUri, localPaths }, deps),
  );
}

/** One local source: `dir/*` uploads the directory's contents, `dir` the directory itself, a file itself. */
interface Source {
  readonly path: string;
  readonly keyBase: string;
}

export async function runDataUpload(opts: DataUploadOptions, deps: CliDeps): Promise<void> {
  const regex = compileRegex(opts.regex);
  const target = openDataTarget(opts.remoteUri, await dataCredentialResolver(deps.env));
  const sources: Source[] = [];
  for (const raw of opts.localPaths) {
    const contents = raw.endsWith('/*');
    const path = resolve(contents ? raw.slice(0, -2) : raw);
    if ((await stat(path).catch(() => null)) === null) throw userError(`${path} is not a valid path`);
    sources.push({ path, keyBase: contents ? '' : basename(path) });
  }
  const work: { local: string; key: string; size: number }[] = [];
  for (const source of sources) {
    for (const file of await walkFiles(source.path, deps.signal)) {
      const rel = joinKey(source.keyBase, file.relative);
      if (regex !== null && !regex.test(rel)) continue;
      const local = file.relative === '' ? source.path : `${source.path}/${file.relative}`;
      work.push({ local, key: joinKey(target.prefix, rel), size: file.sizeBytes });
    }
  }
  const started = deps.nowMs();
  const progress = createProgress(deps.io, 'Uploading', totalsOf(work), deps.nowMs);
  const failures: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < work.length) {
      const item = work[next++];
      if (item === undefined) continue;
      try {
        const moving = progress.start(item.size);
        await target.storage.putFile(item.key, item.local, deps.signal, moving.bytes);
        moving.done();
      } catch (err) {
        if (deps.signal.aborted) throw err;
        // A credential problem fails every file: say it once, as the command's error.
        if ((err as { code?: string }).code === 'CREDENTIAL') throw err;
        failures.push(`${item.local}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrencyOf(opts), work.length)) }, worker));
  progress.finish();
  const seconds = (deps.nowMs() - started) / 1000;
  await writeBenchmark(opts.benchmarkOut, 'upload', { ...totalsOf(work), seconds });
  deps.io.err('Data has been uploaded\n');
  reportFailures(deps, 'Upload', failures);
}

const totalsOf = (work: readonly { size: number }[]): { files: number; bytes: number } => ({
  files: work.length,
  bytes: work.reduce((sum, w) => sum + w.size, 0),
});
