// `osmo workflow logs` (cli.md §6.6): streams a workflow's or a task's (error) log.
import { Command } from 'commander';
import { userError } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { intOption } from '../../parse/options.js';
import { printStream } from './stream-text.js';

export interface LogsOptions {
  readonly workflowId: string;
  readonly task: string | undefined;
  readonly retryId: number | undefined;
  readonly error: boolean;
  readonly lastLines: number | undefined;
}

export function workflowLogsCommand(deps: CliDeps): Command {
  return new Command('logs')
    .description("Print a workflow's logs, following them while it runs.")
    .argument('<workflow_id>', 'The workflow ID or UUID.')
    .option('-t, --task <task>', "Only this task's lines.")
    .addOption(intOption('-r, --retry-id <n>', 'Retry of the task (requires --task).'))
    .option('--error', "The task's error log instead (requires --task).")
    .addOption(intOption('-n <n>', 'Only the last N lines.'))
    .action((workflowId: string, flags: { task?: string; retryId?: number; error?: boolean; n?: number }) =>
      runLogs(
        // Falsy values (-r 0, -n 0) mean "not given", as upstream.
        {
          workflowId,
          task: flags.task,
          retryId: flags.retryId || undefined,
          error: flags.error === true,
          lastLines: flags.n || undefined,
        },
        deps,
      ),
    );
}

export async function runLogs(opts: LogsOptions, deps: CliDeps): Promise<void> {
  if ((opts.error || opts.retryId !== undefined) && opts.task === undefined) {
    throw userError('Specify task for retry ID or error logs.');
  }
  const client = await deps.client();
  const kind = opts.error ? 'error_logs' : 'logs';
  deps.io.out(`Workflow ${opts.workflowId} has ${opts.error ? 'error logs' : 'logs'}:\n`);
  await printStream(
    client,
    `api/workflow/${encodeURIComponent(opts.workflowId)}/${kind}`,
    { task_name: opts.task, retry_id: opts.retryId, last_n_lines: opts.lastLines },
    deps,
    {
      brokenStream:
        'Log stream has timed out or failed. Please run the command again to continue viewing logs.',
      failurePrefix: 'Failed to fetch logs',
    },
  );
}
