// `--watch`: polls a workflow and prints each status change of it and its tasks until it finishes.
import { isFailed, isTaskStatus, isWorkflowFinished, isWorkflowStatus } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import type { OsmoClient } from '../../client/osmo-client.js';
import { EarlyExit } from '../../errors.js';
import type { TaskQuery, WorkflowQuery } from '../shared/wire.js';
import { followLogs } from './watch-logs.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export const WATCH_INTERVAL_MS = 500;

export interface WatchOptions {
  /** Print to stderr, keeping JSON output on stdout clean. */
  readonly toStderr: boolean;
  /** Stream the workflow's log lines between the status lines. */
  readonly logs?: boolean;
}

/** What an agent needs to say why a task failed: its exit code, the reason and where the error log is. */
function failureLines(workflowId: string, task: TaskQuery): string[] {
  const lines: string[] = [];
  if (typeof task.exit_code === 'number') lines.push(`  Exit code: ${task.exit_code}`);
  if (typeof task.failure_message === 'string' && task.failure_message !== '') {
    lines.push(`  Failure: ${task.failure_message.trim().replace(/\n/g, '\n    ')}`);
  }
  const retry = task.retry_id > 0 ? ` --retry-id ${task.retry_id}` : '';
  if (typeof task.error_logs === 'string') {
    lines.push(`  Error log: osmo workflow logs ${workflowId} --task ${task.name}${retry} --error`);
  }
  return lines;
}

/** One line per change (and why a task failed); returns the terminal status. */
export async function watchWorkflow(
  client: OsmoClient,
  workflowId: string,
  deps: CliDeps,
  options: WatchOptions,
  first?: WorkflowQuery,
): Promise<string> {
  const print = (line: string): void =>
    options.toStderr ? deps.io.err(`${line}\n`) : deps.io.out(`${line}\n`);
  const follower = options.logs === true ? followLogs(workflowId, deps, print) : null;
  try {
    // Every log line comes before the statuses that end the watch.
    return await pollStatuses(client, workflowId, deps, print, first, () => follower?.stop());
  } catch (err) {
    await follower?.stop();
    throw err;
  }
}

async function pollStatuses(
  client: OsmoClient,
  workflowId: string,
  deps: CliDeps,
  print: (line: string) => void,
  first: WorkflowQuery | undefined,
  beforeFinal: () => Promise<void> | undefined,
): Promise<string> {
  const seen = new Map<string, string>();
  let known = first;
  for (;;) {
    const wf =
      known ??
      (await client.get(WIRE.WorkflowQuery, `api/workflow/${encodeURIComponent(workflowId)}`, {
        skip_groups: false,
      }));
    known = undefined;
    const finished = isWorkflowStatus(wf.status) && isWorkflowFinished(wf.status);
    if (finished) await beforeFinal();
    for (const group of wf.groups ?? []) {
      for (const task of group.tasks ?? []) {
        const key = `task ${task.name} retry ${task.retry_id}`;
        if (seen.get(key) !== task.status) {
          seen.set(key, task.status);
          const retry = task.retry_id > 0 ? ` retry-${task.retry_id}` : '';
          print(`Task ${task.name}${retry}: ${task.status}`);
          if (isTaskStatus(task.status) && isFailed(task.status)) {
            for (const line of failureLines(wf.name, task)) print(line);
          }
        }
      }
    }
    if (seen.get('workflow') !== wf.status) {
      seen.set('workflow', wf.status);
      print(`Workflow ${wf.name}: ${wf.status}`);
    }
    if (finished) return wf.status;
    await deps.sleep(WATCH_INTERVAL_MS);
    if (deps.signal.aborted) throw deps.signal.reason;
  }
}

/** Exit 0 on COMPLETED, 1 otherwise (the lines already said why). */
export function exitForWatched(status: string): void {
  if (status !== 'COMPLETED') throw new EarlyExit(1);
}
