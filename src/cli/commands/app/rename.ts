// `osmo app rename`: owner only, after a confirmation unless --force.
import { Command } from 'commander';
import { userError } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { appPath, parseAppRef } from './app-ref.js';
import { confirmLoop } from './confirm.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export interface AppRenameOptions {
  readonly from: string;
  readonly to: string;
  readonly force: boolean;
}

export function appRenameCommand(deps: CliDeps): Command {
  return new Command('rename')
    .description('Rename an app.')
    .argument('<old_name>', 'The current name.')
    .argument('<new_name>', 'The new name.')
    .option('-f, --force', 'Skip the confirmation.')
    .action((from: string, to: string, flags: { force?: boolean }) =>
      runAppRename({ from, to, force: flags.force === true }, deps),
    );
}

export async function runAppRename(opts: AppRenameOptions, deps: CliDeps): Promise<void> {
  const from = parseAppRef(opts.from);
  if (from.version !== undefined) throw userError('Cannot rename a specific version of an app.');
  const to = parseAppRef(opts.to);
  if (to.version !== undefined) throw userError('Cannot rename to a specific version of an app.');
  const question = `Are you sure you want to rename App ${from.name} to ${to.name}?`;
  if (!opts.force && !(await confirmLoop(question, deps))) return;
  const client = await deps.client();
  await client.post(WIRE.AppRenamed, `${appPath(from.name)}/rename`, {}, to.name);
  deps.io.out(`App ${from.name} renamed to ${to.name} successfully.\n`);
}
