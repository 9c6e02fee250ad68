// `osmo app submit`: the stored spec through the same pipeline as `workflow submit`.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { userError } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import type { FormatType } from '../../parse/options.js';
import { resolvePool } from '../shared/default-pool.js';
import { addSubmitFlags } from '../workflow/submit-flags.js';
import { printSubmitResponse } from '../workflow/submit-output.js';
import { submitSpecText } from '../workflow/submit-pipeline.js';
import { appPath, fetchAppSpec, parseAppRef } from './app-ref.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export interface AppSubmitOptions {
  readonly nameAndVersion: string;
  readonly format: FormatType;
  readonly set: readonly string[];
  readonly setString: readonly string[];
  readonly setEnv: readonly string[];
  readonly dryRun: boolean;
  readonly pool: string | undefined;
  readonly localPath: string | undefined;
  readonly priority: string | undefined;
  readonly labels: readonly string[];
}

interface SubmitFlags {
  formatType: FormatType;
  set: string[];
  setString: string[];
  setEnv: string[];
  dryRun?: boolean;
  pool?: string;
  localPath?: string;
  priority?: string;
  label: string[];
}

export function appSubmitCommand(deps: CliDeps): Command {
  return addSubmitFlags(
    new Command('submit')
      .description('Submit a workflow from an app.')
      .argument('<name>', 'NAME or NAME:VERSION (default: the newest version).'),
    (c) =>
      c.option('-l, --local-path <path>', 'Directory that relative localpath file entries resolve against.'),
  ).action((nameAndVersion: string, flags: SubmitFlags) =>
    runAppSubmit(
      {
        nameAndVersion,
        format: flags.formatType,
        set: flags.set,
        setString: flags.setString,
        setEnv: flags.setEnv,
        dryRun: flags.dryRun === true,
        pool: flags.pool,
        localPath: flags.localPath,
        priority: flags.priority,
        labels: flags.label,
      },
      deps,
    ),
  );
}

/**
 * Relative `localpath` entries resolve against the `--local-path` directory itself (default: the current
 * directory), not its parent as upstream does by accident (docs/compatibility.md).
 */
function localBase(path: string | undefined): string {
  const base = resolve(path ?? '.');
  if (!existsSync(base)) throw userError(`--local-path ${path ?? '.'} does not exist.`);
  return statSync(base).isDirectory() ? base : resolve(base, '..');
}

export async function runAppSubmit(opts: AppSubmitOptions, deps: CliDeps): Promise<void> {
  const ref = parseAppRef(opts.nameAndVersion);
  const base = localBase(opts.localPath);
  const client = await deps.client();
  const info = await client.get(WIRE.AppInfo, appPath(ref.name), {
    limit: 1,
    version: ref.version,
  });
  const version = info.versions[0]?.version;
  if (version === undefined) throw userError(`App ${ref.name} has no versions.`);
  const spec = await fetchAppSpec(client, { name: ref.name, version });
  const pool = await resolvePool(client, opts.pool);
  const result = await submitSpecText(
    client,
    {
      pool,
      // Only its directory matters: that is where relative localpath entries are looked up.
      filePath: join(base, `${ref.name}.yaml`),
      set: opts.set,
      setString: opts.setString,
      setEnv: opts.setEnv,
      labels: opts.labels,
      priority: opts.priority,
      dryRun: opts.dryRun,
      validationOnly: false,
      wrapErrors: true,
    },
    spec,
    { app_uuid: info.uuid, app_version: version },
  );
  if (result.kind === 'rendered') {
    deps.io.out(result.spec.endsWith('\n') ? result.spec : `${result.spec}\n`);
    return;
  }
  printSubmitResponse(
    deps.io,
    result.response,
    opts.format,
    'Workflow submit successful.',
    opts.priority === 'LOW',
  );
}
