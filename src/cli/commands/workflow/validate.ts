// `osmo workflow validate`: the submission pipeline with validation_only, nothing created.
import { resolve } from 'node:path';
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { appendOption, extendOption } from '../../parse/options.js';
import { resolvePool } from '../shared/default-pool.js';
import { runSubmission } from './submit-pipeline.js';

export interface ValidateOptions {
  readonly file: string;
  readonly set: readonly string[];
  readonly setString: readonly string[];
  readonly pool: string | undefined;
  readonly labels: readonly string[];
}

export function workflowValidateCommand(deps: CliDeps): Command {
  return new Command('validate')
    .description('Validate a workflow spec against a pool without submitting it.')
    .argument('<workflow_file>', 'The workflow spec file.')
    .addOption(extendOption('--set <kv...>', 'Template variables KEY=VALUE (numbers are cast).'))
    .addOption(extendOption('--set-string <kv...>', 'Template variables KEY=VALUE kept as strings.'))
    .option('-p, --pool <pool>', 'Pool to validate against (default: the profile default pool).')
    .addOption(appendOption('--label <kv>', 'Workflow label KEY=VALUE (repeatable).'))
    .action((file: string, flags: { set: string[]; setString: string[]; pool?: string; label: string[] }) =>
      runValidate(
        {
          file: resolve(file),
          set: flags.set,
          setString: flags.setString,
          pool: flags.pool,
          labels: flags.label,
        },
        deps,
      ),
    );
}

export async function runValidate(opts: ValidateOptions, deps: CliDeps): Promise<void> {
  const client = await deps.client();
  const pool = await resolvePool(client, opts.pool);
  const result = await runSubmission(client, {
    pool,
    filePath: opts.file,
    set: opts.set,
    setString: opts.setString,
    setEnv: [],
    labels: opts.labels,
    priority: undefined,
    dryRun: false,
    validationOnly: true,
    wrapErrors: false,
  });
  if (result.kind !== 'submitted') return;
  const lines = [result.response.logs ?? '', ...(result.response.warnings ?? []).map((w) => `WARNING: ${w}`)];
  deps.io.out(`${lines.join('\n')}\n`);
}
