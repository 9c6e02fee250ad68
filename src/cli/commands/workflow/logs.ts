// `osmo workflow logs`: streams a workflow's or a task's (error) log.
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
  /** Ours: a server-side search (see the service's log search); undefined fields are not sent. */
  readonly search: string | undefined;
  readonly context: number | undefined;
  readonly since: string | undefined;
  readonly until: string | undefined;
}

export function workflowLogsCommand(deps: CliDeps): Command {
  return new Command('logs')
    .description("Print a workflow's logs, following them while it runs.")
    .argument('<workflow_id>', 'The workflow ID or UUID.')
    .option('-t, --task <task>', "Only this task's lines.")
    .addOption(intOption('-r, --retry-id <n>', 'Retry of the task (requires --task).'))
    .option('--error', "The task's error log instead (requires --task).")
    .option('--errors', 'Same as --error.')
    .addOption(intOption('-n <n>', 'Only the last N lines.'))
    .option('--search <regex>', 'Only lines matching this RE2 pattern, searched by the service.')
    .addOption(intOption('-C, --context <n>', 'With --search, this many lines around each match.'))
    .option('--since <time>', 'Only lines logged at or after this UTC date or time (ISO 8601).')
    .option('--until <time>', 'Only lines logged at or before this UTC date or time (ISO 8601).')
    .action((workflowId: string, flags: LogsFlags) =>
      runLogs(
        // Falsy values (-r 0, -n 0) mean "not given", as upstream.
        {
          workflowId,
          task: flags.task,
          retryId: flags.retryId || undefined,
          error: flags.error === true || flags.errors === true,
          lastLines: flags.n || undefined,
          search: flags.search,
          context: flags.context,
          since: flags.since,
          until: flags.until,
        },
        deps,
      ),
    );
}

interface LogsFlags {
  task?: string;
  retryId?: number;
  error?: boolean;
  errors?: boolean;
  n?: number;
  search?: string;
  context?: number;
  since?: string;
  until?: string;
}

export async function runLogs(opts: LogsOptions, deps: CliDeps): Promise<void> {
  if ((opts.error || opts.retryId !== undefined) && opts.task === undefined) {
    throw userError('Specify task for retry ID or error logs.');
  }
  if (opts.context !== undefined && opts.search === undefined) throw userError('--context needs --search.');
  const client = await deps.client();
  const kind = opts.error ? 'error_logs' : 'logs';
  deps.io.out(`Workflow ${opts.workflowId} has ${opts.error ? 'error logs' : 'logs'}:\n`);
  await printStream(
    client,
    `api/workflow/${encodeURIComponent(opts.workflowId)}/${kind}`,
    {
      task_name: opts.task,
      retry_id: opts.retryId,
      last_n_lines: opts.lastLines,
      search: opts.search,
      context: opts.context,
      since: opts.since,
      until: opts.until,
    },
    deps,
    {
      brokenStream:
        'Log stream has timed out or failed. Please run the command again to continue viewing logs.',
      failurePrefix: 'Failed to fetch logs',
    },
  );
}
