// `osmo workflow submit`: file or workflow-ID resubmission, plus `--watch`.
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import type { FormatType } from '../../parse/options.js';
import { resolvePool } from '../shared/default-pool.js';
import { addSubmitFlags } from './submit-flags.js';
import type { SubmitResponse } from '../shared/wire.js';
import { checkedUploadPath, startLeadTaskDaemon } from './rsync.js';
import { printSubmitResponse } from './submit-output.js';
import { runSubmission, workflowPath, wrapSubmitError } from './submit-pipeline.js';
import { exitForWatched, watchWorkflow } from './watch.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

/** Searched, not anchored at the start: the argument only has to end like `name-<digits>`. */
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
  readonly logs?: boolean;
  /** `LOCAL:REMOTE`: an upload daemon towards the lead task once submitted. */
  readonly rsync?: string;
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
  logs?: boolean;
  rsync?: string;
}

export function workflowSubmitCommand(deps: CliDeps): Command {
  return addSubmitFlags(
    new Command('submit')
      .description('Submit a workflow spec file, or resubmit an existing workflow by ID.')
      .argument('<workflow_file>', 'The workflow spec file, or the ID of a workflow to resubmit.'),
  )
    .option('--watch', 'Follow the workflow until it finishes; exit 0 only when it COMPLETED.')
    .option('--logs', 'With --watch (implied): also print the log lines as they arrive.')
    .option(
      '--rsync <local:remote>',
      'After a successful submit, keep uploading LOCAL to REMOTE of the lead task.',
    )
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
          watch: flags.watch === true || flags.logs === true,
          logs: flags.logs === true,
          ...(flags.rsync === undefined ? {} : { rsync: flags.rsync }),
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
  const rsyncPath = opts.rsync === undefined ? null : checkedUploadPath(opts.rsync);
  const pool = await resolvePool(client, opts.pool);
  let response: SubmitResponse;
  if (isResubmit) {
    try {
      response = await client.post(WIRE.SubmitResponse, workflowPath(pool), {
        workflow_id: opts.fileOrId,
        priority: opts.priority,
        label: opts.labels,
      });
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
  if (rsyncPath !== null)
    await startLeadTaskDaemon(deps, client, response.name, rsyncPath, opts.format === 'json');
  if (!opts.watch) return;
  const watch = { toStderr: opts.format === 'json', logs: opts.logs === true };
  exitForWatched(await watchWorkflow(client, response.name, deps, watch));
}
