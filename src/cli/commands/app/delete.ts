// `osmo app delete`: one version or all of them, after a confirmation unless --force.
import { Command } from 'commander';
import { userError } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { appPath, parseAppRef } from './app-ref.js';
import { confirmLoop } from './confirm.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export interface AppDeleteOptions {
  readonly nameAndVersion: string;
  readonly all: boolean;
  readonly force: boolean;
}

export function appDeleteCommand(deps: CliDeps): Command {
  return new Command('delete')
    .description('Delete a version of an app, or all versions.')
    .argument('<name>', 'NAME:VERSION, or NAME with --all.')
    .option('-a, --all', 'Delete every version.')
    .option('-f, --force', 'Skip the confirmation.')
    .action((nameAndVersion: string, flags: { all?: boolean; force?: boolean }) =>
      runAppDelete({ nameAndVersion, all: flags.all === true, force: flags.force === true }, deps),
    );
}

export async function runAppDelete(opts: AppDeleteOptions, deps: CliDeps): Promise<void> {
  const ref = parseAppRef(opts.nameAndVersion);
  if (ref.version === undefined && !opts.all) throw userError('Must specify a version or all_versions');
  const question =
    ref.version === undefined
      ? `Are you sure you want to delete all versions in App ${ref.name}?`
      : `Are you sure you want to delete app ${ref.name} version ${ref.version}?`;
  if (!opts.force && !(await confirmLoop(question, deps))) return;
  const client = await deps.client();
  const query = ref.version === undefined ? { all_versions: true } : { version: ref.version };
  const answer = await client.request(WIRE.AppVersionsDeleted, {
    method: 'DELETE',
    path: appPath(ref.name),
    query,
  });
  for (const version of answer.versions) {
    deps.io.out(`Delete Job for App ${ref.name} version ${version} has been scheduled.\n`);
  }
}
