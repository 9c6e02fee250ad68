// `osmo workflow events`: streams a workflow's or a task's pod events.
import { Command } from 'commander';
import { userError } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { intOption } from '../../parse/options.js';
import { printStream } from './stream-text.js';

export interface EventsOptions {
  readonly workflowId: string;
  readonly task: string | undefined;
  readonly retryId: number | undefined;
}

export function workflowEventsCommand(deps: CliDeps): Command {
  return new Command('events')
    .description("Print a workflow's events.")
    .argument('<workflow_id>', 'The workflow ID or UUID.')
    .option('-t, --task <task>', "Only this task's events.")
    .addOption(intOption('-r, --retry-id <n>', 'Retry of the task (requires --task).'))
    .action((workflowId: string, flags: { task?: string; retryId?: number }) =>
      runEvents({ workflowId, task: flags.task, retryId: flags.retryId || undefined }, deps),
    );
}

export async function runEvents(opts: EventsOptions, deps: CliDeps): Promise<void> {
  if (opts.retryId !== undefined && opts.task === undefined) throw userError('Specify task for retry ID.');
  const client = await deps.client();
  deps.io.out(`Workflow ${opts.workflowId} has events:\n`);
  await printStream(
    client,
    `api/workflow/${encodeURIComponent(opts.workflowId)}/events`,
    { task_name: opts.task, retry_id: opts.retryId },
    deps,
    {
      brokenStream:
        'Event stream has timed out or failed. Please run the command again to continue viewing events.',
      failurePrefix: 'Failed to fetch events',
    },
  );
}
