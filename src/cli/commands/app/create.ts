// `osmo app create`: version 1 from a file or the editor; refused content is saved locally.
import { Command } from 'commander';
import { userError } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { appPath, parseAppRef } from './app-ref.js';
import { editInEditor, errorText, readContentFile, saveContent } from './local-content.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export interface AppCreateOptions {
  readonly name: string;
  readonly description: string;
  readonly file: string | undefined;
}

export function appCreateCommand(deps: CliDeps): Command {
  return new Command('create')
    .description('Create an app from a workflow spec (the editor opens without --file).')
    .argument('<name>', 'The app name.')
    .requiredOption('-d, --description <description>', 'App description.')
    .option('-f, --file <file>', 'The workflow spec file.')
    .action((name: string, flags: { description: string; file?: string }) =>
      runAppCreate({ name, description: flags.description, file: flags.file }, deps),
    );
}

export async function runAppCreate(opts: AppCreateOptions, deps: CliDeps): Promise<void> {
  const ref = parseAppRef(opts.name);
  if (ref.version !== undefined) throw userError('Cannot create a specific version of an app.');
  const client = await deps.client();
  const content =
    opts.file === undefined ? await editInEditor('', deps.env.editor) : await readContentFile(opts.file);
  if (content.trim() === '') throw userError('App is empty');
  try {
    await client.post(WIRE.Done, appPath(ref.name), { description: opts.description }, content);
  } catch (err) {
    const saved = await saveContent(content);
    throw userError(
      `Error creating app: ${errorText(err)}\nIf you wanted to update the app, use the "update" command.\n` +
        `Saved content to file: ${saved}`,
    );
  }
  deps.io.out(`App ${ref.name} created successfully\n`);
}
