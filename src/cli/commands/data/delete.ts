// `osmo data delete REMOTE_URI`: every object under the prefix, no confirmation prompt.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { compileRegex, dataCredentialResolver, openDataTarget } from './data-target.js';

export interface DataDeleteOptions {
  readonly remoteUri: string;
  readonly regex: string | undefined;
}

export function dataDeleteCommand(deps: CliDeps): Command {
  return new Command('delete')
    .description('Delete every object under a storage URI.')
    .argument('<remote_uri>', 'e.g. s3://bucket/path.')
    .option('-x, --regex <regex>', 'Only objects whose key matches this regex.')
    .action((remoteUri: string, flags: { regex?: string }) =>
      runDataDelete({ remoteUri, regex: flags.regex }, deps),
    );
}

export async function runDataDelete(opts: DataDeleteOptions, deps: CliDeps): Promise<void> {
  const regex = compileRegex(opts.regex);
  const target = openDataTarget(opts.remoteUri, await dataCredentialResolver(deps.env));
  const under = await target.storage.list(target.prefix === '' ? '' : `${target.prefix}/`, deps.signal);
  const exact = target.prefix !== '' && (await target.storage.exists(target.prefix)) ? [target.prefix] : [];
  const keys = [...exact, ...under.map((o) => o.key)].filter((k) => regex === null || regex.test(k));
  let success = 0;
  const failures: string[] = [];
  for (const key of keys) {
    try {
      await target.storage.delete(key);
      success += 1;
    } catch (err) {
      if ((err as { code?: string }).code === 'CREDENTIAL') throw err;
      failures.push(`${key}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  deps.io.err(`Data has been deleted, success_count=${success}, failures=${failures.length}\n`);
  if (failures.length > 0) deps.io.err(`Delete Failed on files:\n${failures.map((f) => `${f}\n`).join('')}`);
}
