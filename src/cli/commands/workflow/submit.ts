// `osmo workflow submit` (cli.md §6.1): file or workflow-ID resubmission, plus `--watch`.
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import type { FormatType } from '../../parse/options.js';
import { resolvePool } from '../shared/default-pool.js';
import { addSubmitFlags } from './submit-flags.js';
import type { SubmitResponse } from '../shared/wire.js';
import { printSubmitResponse } from './submit-output.js';
import { runSubmission, workflowPath, wrapSubmitError } from './submit-pipeline.js';
import { exitForWatched, watchWorkflow } from './watch.js';

/** Searched, not anchored at the start: the argument only has to end like `name-<digits>` (cli.md §3). */
export const WORKFLOW_ID_PATTERN = /[a-zA-Z]([a-zA-Z0-9_-]*[a-zA-Z0-9])?-\d+$/;

export interface SubmitOptions {
  readonly fileOrId: string;
  readonly format: FormatType;
  readonly set: readonly string[];
  readonly setString: readonly string[];
  readonly setEnv: readonly string[];
  readonly dryRun: boolean;
  readonly pool: string | undefined;
  readonly priority: string | undefined;
  readonly labels: readonly string[];
  readonly watch: boolean;
}

interface SubmitFlags {
  formatType: FormatType;
  set: string[];
  setString: string[];
  setEnv: string[];
  dryRun?: boolean;
  pool?: string;
  priority?: string;
  label: string[];
  watch?: boolean;
}

export function workflowSubmitCommand(deps: CliDeps): Command {
  return addSubmitFlags(
    new Command('submit')
      .description('Submit a workflow spec file, or resubmit an existing workflow by ID.')
      .argument('<workflow_file>', 'The workflow spec file, or the ID of a workflow to resubmit.'),
  )
    .option('--watch', 'Follow the workflow until it finishes; exit 0 only when it COMPLETED.')
    .action((fileOrId: string, flags: SubmitFlags) =>
      runSubmit(
        {
          fileOrId,
          format: flags.formatType,
          set: flags.set,
          setString: flags.setString,
          setEnv: flags.setEnv,
          dryRun: flags.dryRun === true,
          pool: flags.pool,
          priority: flags.priority,
          labels: flags.label,
          watch: flags.watch === true,
        },
        deps,
      ),
    );
}

export async function runSubmit(opts: SubmitOptions, deps: CliDeps): Promise<void> {
  const client = await deps.client();
  const isResubmit = !existsSync(opts.fileOrId) && WORKFLOW_ID_PATTERN.test(opts.fileOrId);
  if (isResubmit && (opts.dryRun || opts.set.length > 0)) {
    const flag = opts.dryRun ? '--dry-run' : '--set';
    deps.io.err(`Please remove the ${flag} flag when submitting a workflow using a workflow ID.\n`);
    return;
  }
  const pool = await resolvePool(client, opts.pool);
  let response: SubmitResponse;
  if (isResubmit) {
    try {
      response = (await client.postJson(workflowPath(pool), {
        workflow_id: opts.fileOrId,
        priority: opts.priority,
        label: opts.labels,
      })) as SubmitResponse;
    } catch (err) {
      throw wrapSubmitError(err);
    }
  } else {
    const result = await runSubmission(client, {
      pool,
      filePath: opts.fileOrId,
      set: opts.set,
      setString: opts.setString,
      setEnv: opts.setEnv,
      labels: opts.labels,
      priority: opts.priority,
      dryRun: opts.dryRun,
      validationOnly: false,
      wrapErrors: true,
    });
    if (result.kind === 'rendered') {
      deps.io.out(result.spec.endsWith('\n') ? result.spec : `${result.spec}\n`);
      // A YAML comment, so the output stays a valid spec.
      if (result.scheduling) deps.io.out(`# ${result.scheduling}\n`);
      return;
    }
    response = result.response;
  }
  printSubmitResponse(deps.io, response, opts.format, 'Workflow submit successful.', opts.priority === 'LOW');
  if (opts.watch) exitForWatched(await watchWorkflow(client, response.name, deps, opts.format === 'json'));
}
