// `osmo workflow restart` (cli.md §6.3): re-runs the failed groups of a workflow.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { formatTypeOption, type FormatType } from '../../parse/options.js';
import { resolvePool } from '../shared/default-pool.js';
import type { SubmitResponse, WorkflowQuery } from '../shared/wire.js';
import { printSubmitResponse } from './submit-output.js';

export interface RestartOptions {
  readonly workflowId: string;
  readonly pool: string | undefined;
  readonly format: FormatType;
}

export function workflowRestartCommand(deps: CliDeps): Command {
  return new Command('restart')
    .description('Restart a failed workflow.')
    .argument('<workflow_id>', 'The workflow ID or UUID.')
    .option('-p, --pool <pool>', "Pool for the new run (default: the workflow's pool).")
    .addOption(formatTypeOption())
    .action((workflowId: string, flags: { pool?: string; formatType: FormatType }) =>
      runRestart({ workflowId, pool: flags.pool, format: flags.formatType }, deps),
    );
}

export async function runRestart(opts: RestartOptions, deps: CliDeps): Promise<void> {
  const client = await deps.client();
  let pool = opts.pool;
  if (pool === undefined) {
    const wf = (await client.getJson(`api/workflow/${encodeURIComponent(opts.workflowId)}`)) as WorkflowQuery;
    pool = await resolvePool(client, wf.pool === null || wf.pool === '' ? undefined : wf.pool);
  }
  const response = (await client.postJson(
    `api/pool/${encodeURIComponent(pool)}/workflow/${encodeURIComponent(opts.workflowId)}/restart`,
  )) as SubmitResponse;
  printSubmitResponse(deps.io, response, opts.format, `Workflow ${opts.workflowId} restarted.`, false);
}
