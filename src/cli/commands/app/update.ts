// `osmo app update`: a new version only when the content changed; refused content is saved.
import { Command } from 'commander';
import { userError } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { ServiceError } from '../../errors.js';
import { appPath, fetchAppSpec, parseAppRef } from './app-ref.js';
import { editInEditor, errorText, readContentFile, saveContent } from './local-content.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export interface AppUpdateOptions {
  readonly nameAndVersion: string;
  readonly file: string | undefined;
}

export function appUpdateCommand(deps: CliDeps): Command {
  return new Command('update')
    .description('Store a new version of an app (the editor opens on the current spec without --file).')
    .argument('<name>', 'NAME or NAME:VERSION; the version selects the spec the editor starts from.')
    .option('-f, --file <file>', 'The new workflow spec file.')
    .action((nameAndVersion: string, flags: { file?: string }) =>
      runAppUpdate({ nameAndVersion, file: flags.file }, deps),
    );
}

export async function runAppUpdate(opts: AppUpdateOptions, deps: CliDeps): Promise<void> {
  const ref = parseAppRef(opts.nameAndVersion);
  const client = await deps.client();
  let current = '';
  try {
    current = await fetchAppSpec(client, ref);
  } catch (err) {
    if (!(err instanceof ServiceError) || err.kind !== 'user' || ref.version !== undefined) throw err;
    deps.io.out(`App ${ref.name} has been deleted/does not exist. Trying to create a new version...\n`);
  }
  const content =
    opts.file === undefined ? await editInEditor(current, deps.env.editor) : await readContentFile(opts.file);
  if (content.trim() === '' || content === current) {
    deps.io.out('No version was created because no changes were made to the app.\n');
    return;
  }
  let version: unknown;
  try {
    const answer = await client.request(WIRE.AppVersionCreated, {
      method: 'PATCH',
      path: appPath(ref.name),
      body: content,
    });
    version = answer.version;
  } catch (err) {
    const saved = await saveContent(content);
    throw userError(`Error editing app: ${errorText(err)}\n\nSaved content to file: ${saved}`);
  }
  deps.io.out(`App ${ref.name} updated successfully\nVersion: ${String(version)}\n`);
}
