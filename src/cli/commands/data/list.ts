// `osmo data list REMOTE_URI [OUTPUT_FILE]`: object keys to a file, stdout or a pager.
import { spawn } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { usageError, userError } from '../../../core/index.js';
import { joinKey } from '../../../storage/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { compileRegex, dataCredentialResolver, openDataTarget } from './data-target.js';

export interface DataListOptions {
  readonly remoteUri: string;
  readonly outputFile: string | undefined;
  readonly prefix: string;
  readonly recursive: boolean;
  readonly regex: string | undefined;
  readonly noPager: boolean;
}

export function dataListCommand(deps: CliDeps): Command {
  return new Command('list')
    .description('List the objects under a storage URI.')
    .argument('<remote_uri>', 'e.g. s3://bucket/path.')
    .argument('[output_file]', 'Write the keys to this new file.')
    .option('-p, --prefix <prefix>', 'Only keys starting with this prefix.', '')
    .option('-r, --recursive', 'List every level below the URI.', false)
    .option('-x, --regex <regex>', 'Only keys matching this regex.')
    .option('--no-pager', 'Print straight to stdout.')
    .action(
      (
        remoteUri: string,
        outputFile: string | undefined,
        flags: { prefix: string; recursive: boolean; regex?: string; pager: boolean },
      ) =>
        runDataList(
          {
            remoteUri,
            outputFile,
            prefix: flags.prefix,
            recursive: flags.recursive,
            regex: flags.regex,
            noPager: !flags.pager,
          },
          deps,
        ),
    );
}

export async function runDataList(opts: DataListOptions, deps: CliDeps): Promise<void> {
  if (opts.outputFile !== undefined && opts.noPager) {
    throw usageError('argument --no-pager: not allowed with argument output_file');
  }
  const regex = compileRegex(opts.regex);
  if (opts.outputFile !== undefined) {
    const existing = await stat(opts.outputFile).catch(() => null);
    if (existing?.isDirectory() === true)
      throw userError(`${opts.outputFile} is a directory. Please give a file path!`);
    if (existing !== null) throw userError(`${opts.outputFile} file already exists!`);
  }
  const target = openDataTarget(opts.remoteUri, await dataCredentialResolver(deps.env));
  const base = target.prefix === '' ? '' : `${target.prefix}/`;
  const objects = await target.storage.list(
    joinKey(base, opts.prefix) + (opts.prefix === '' && base !== '' ? '/' : ''),
    deps.signal,
  );
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const object of objects) {
    const rel = object.key.slice(base.length);
    // Without --recursive a deeper key shows as its first directory level, once.
    const slash = rel.indexOf('/');
    const shown = !opts.recursive && slash >= 0 ? `${base}${rel.slice(0, slash + 1)}` : object.key;
    if (seen.has(shown) || (regex !== null && !regex.test(shown))) continue;
    seen.add(shown);
    keys.push(shown);
  }
  const text = keys.map((k) => `${k}\n`).join('');
  if (opts.outputFile !== undefined) await writeFile(opts.outputFile, text);
  else if (opts.noPager || !deps.io.isTty) deps.io.out(text);
  else await page(text, deps);
  deps.io.out(`\nTotal ${keys.length} objects found\n`);
}

/** `less`, else `more`, else plain stdout. */
async function page(text: string, deps: CliDeps): Promise<void> {
  for (const pager of ['less', 'more']) {
    const shown = await new Promise<boolean>((resolve) => {
      const child = spawn(pager, [], { stdio: ['pipe', 'inherit', 'inherit'] });
      child.on('error', () => resolve(false));
      child.on('close', () => resolve(true));
      child.stdin.on('error', () => undefined);
      child.stdin.end(text);
    });
    if (shown) return;
  }
  deps.io.out(text);
}
