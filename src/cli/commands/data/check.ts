// `osmo data check REMOTE_URI`: verifies the credential, one JSON line, exit 0 either way.
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { Command } from 'commander';
import { userError } from '../../../core/index.js';
import { joinKey, parseStorageProfile } from '../../../storage/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { choiceOption } from '../../parse/options.js';
import { dataCredentialResolver, openDataTarget } from './data-target.js';

export const ACCESS_TYPES = ['READ', 'WRITE', 'DELETE'] as const;
export type AccessType = (typeof ACCESS_TYPES)[number];

export interface DataCheckOptions {
  readonly remoteUri: string;
  readonly accessType: AccessType | undefined;
  readonly configFile: string | undefined;
}

export function dataCheckCommand(deps: CliDeps): Command {
  return new Command('check')
    .description('Check that the data credential of a storage URI or profile works.')
    .argument('<remote_uri>', 'A storage URI or profile, e.g. s3://bucket.')
    .addOption(choiceOption('-a, --access-type <type>', 'The access to check.', ACCESS_TYPES))
    .option('-c, --config-file <path>', 'An alternative config.yaml.')
    .action((remoteUri: string, flags: { accessType?: AccessType; configFile?: string }) =>
      runDataCheck({ remoteUri, accessType: flags.accessType, configFile: flags.configFile }, deps),
    );
}

export async function runDataCheck(opts: DataCheckOptions, deps: CliDeps): Promise<void> {
  const profile = parseStorageProfile(opts.remoteUri);
  if (opts.configFile !== undefined && (await stat(opts.configFile).catch(() => null)) === null) {
    throw userError(`${opts.configFile} does not exist`);
  }
  const resolve = await dataCredentialResolver(deps.env, opts.configFile);
  try {
    const uri = profile.prefix === '' ? `${profile.profile}` : opts.remoteUri;
    const target = openDataTarget(uri, resolve);
    const probe = joinKey(target.prefix, `.osmo-access-check-${randomUUID()}`);
    switch (opts.accessType) {
      case 'WRITE':
        await target.storage.putBytes(probe, 'osmo access check', deps.signal);
        await target.storage.delete(probe);
        break;
      case 'DELETE':
        await target.storage.delete(probe);
        break;
      case 'READ':
      case undefined:
        await target.storage.list(target.prefix === '' ? '' : `${target.prefix}/`, deps.signal);
        break;
    }
    deps.io.out(`${JSON.stringify({ status: 'pass' }).replace(/":"/g, '": "')}\n`);
  } catch (err) {
    if (deps.signal.aborted) throw err;
    const message = err instanceof Error ? err.message : String(err);
    deps.io.out(`{"status": "fail", "error": ${JSON.stringify(message)}}\n`);
  }
}
