// `osmo app show`: the description and the raw `default-values` block as PARAMETERS.
import { Command } from 'commander';
import { userError } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { appPath, fetchAppSpec, parseAppRef } from './app-ref.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

const indent = (text: string): string =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');

/**
 * The text under the top-level `default-values:` key, taken verbatim from the spec and dedented,
 * or null when there is none. A second such key is an error, as upstream reports it.
 */
export function defaultValuesBlock(spec: string): string | null {
  const lines = spec.split(/\r?\n/);
  const starts = lines.flatMap((line, i) => (/^default-values\s*:/.test(line) ? [i] : []));
  if (starts.length > 1) throw userError('Multiple default-values sections found in the workflow spec.');
  const start = starts[0];
  if (start === undefined) return null;
  const inline = (lines[start] ?? '').replace(/^default-values\s*:/, '').trim();
  if (inline !== '' && !inline.startsWith('#')) return inline;
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() !== '' && !/^\s/.test(line) && !line.startsWith('#')) break;
    block.push(line);
  }
  while (block.length > 0 && (block[block.length - 1] ?? '').trim() === '') block.pop();
  const margin = Math.min(
    ...block.filter((l) => l.trim() !== '').map((l) => /^\s*/.exec(l)?.[0].length ?? 0),
  );
  return block.map((l) => l.slice(Number.isFinite(margin) ? margin : 0)).join('\n');
}

export function appShowCommand(deps: CliDeps): Command {
  return new Command('show')
    .description("Show an app's description and parameters.")
    .argument('<name>', 'NAME or NAME:VERSION.')
    .action((nameAndVersion: string) => runAppShow(nameAndVersion, deps));
}

export async function runAppShow(nameAndVersion: string, deps: CliDeps): Promise<void> {
  const ref = parseAppRef(nameAndVersion);
  const client = await deps.client();
  const info = await client.get(WIRE.AppInfo, appPath(ref.name));
  const block = defaultValuesBlock(await fetchAppSpec(client, ref));
  let text = `DESCRIPTION\n${indent(info.description)}\n\n`;
  if (block !== null) text += `PARAMETERS\n${indent(block)}\n`;
  deps.io.out(text);
}
