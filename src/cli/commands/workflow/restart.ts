// `osmo workflow restart`: re-runs the failed groups of a workflow, or the named groups and their downstream.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { appendOption, formatTypeOption, type FormatType } from '../../parse/options.js';
import { resolvePool } from '../shared/default-pool.js';
import { printSubmitResponse } from './submit-output.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export interface RestartOptions {
  readonly workflowId: string;
  readonly pool: string | undefined;
  readonly format: FormatType;
  /** Ours (upstream has neither): groups to run again with their downstream, and the plain restart's set said explicitly. */
  readonly groups: readonly string[];
  readonly failedOnly: boolean;
}

export function workflowRestartCommand(deps: CliDeps): Command {
  return new Command('restart')
    .description('Restart a failed workflow.')
    .argument('<workflow_id>', 'The workflow ID or UUID.')
    .option('-p, --pool <pool>', "Pool for the new run (default: the workflow's pool).")
    .addOption(
      appendOption(
        '-g, --group <group>',
        'Run this group again, and every group downstream of it, even if it completed (repeatable).',
      ),
    )
    .option(
      '--failed-only',
      'Run again every group that did not complete (the default when no --group is given); with --group, those too.',
      false,
    )
    .addOption(formatTypeOption())
    .action(
      (
        workflowId: string,
        flags: { pool?: string; group: string[]; failedOnly: boolean; formatType: FormatType },
      ) =>
        runRestart(
          {
            workflowId,
            pool: flags.pool,
            format: flags.formatType,
            groups: flags.group,
            failedOnly: flags.failedOnly,
          },
          deps,
        ),
    );
}

export async function runRestart(opts: RestartOptions, deps: CliDeps): Promise<void> {
  const client = await deps.client();
  let pool = opts.pool;
  if (pool === undefined) {
    const wf = await client.get(WIRE.WorkflowQuery, `api/workflow/${encodeURIComponent(opts.workflowId)}`);
    pool = await resolvePool(client, wf.pool === null || wf.pool === '' ? undefined : wf.pool);
  }
  // Upstream's request exactly when neither flag is given.
  const query = { group: opts.groups, failed_only: opts.failedOnly ? true : undefined };
  const response = await client.post(
    WIRE.SubmitResponse,
    `api/pool/${encodeURIComponent(pool)}/workflow/${encodeURIComponent(opts.workflowId)}/restart`,
    query,
  );
  printSubmitResponse(deps.io, response, opts.format, `Workflow ${opts.workflowId} restarted.`, false);
}
