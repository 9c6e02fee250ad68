// `osmo app spec`: the stored spec text of a version.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { fetchAppSpec, parseAppRef } from './app-ref.js';

export function appSpecCommand(deps: CliDeps): Command {
  return new Command('spec')
    .description("Print an app's workflow spec.")
    .argument('<name>', 'NAME or NAME:VERSION.')
    .action((nameAndVersion: string) => runAppSpec(nameAndVersion, deps));
}

export async function runAppSpec(nameAndVersion: string, deps: CliDeps): Promise<void> {
  const ref = parseAppRef(nameAndVersion);
  const text = await fetchAppSpec(await deps.client(), ref);
  deps.io.out(text.endsWith('\n') ? text : `${text}\n`);
}
