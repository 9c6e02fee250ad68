// `--watch`: polls a workflow and prints each status change of it and its tasks until it finishes.
import { isWorkflowFinished, isWorkflowStatus } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import type { OsmoClient } from '../../client/osmo-client.js';
import { EarlyExit } from '../../errors.js';
import type { WorkflowQuery } from '../shared/wire.js';

export const WATCH_INTERVAL_MS = 500;

/** One line per change; returns the terminal status. `toStderr` keeps JSON output clean. */
export async function watchWorkflow(
  client: OsmoClient,
  workflowId: string,
  deps: CliDeps,
  toStderr: boolean,
  first?: WorkflowQuery,
): Promise<string> {
  const print = (line: string): void => (toStderr ? deps.io.err(`${line}\n`) : deps.io.out(`${line}\n`));
  const seen = new Map<string, string>();
  let known = first;
  for (;;) {
    const wf =
      known ??
      ((await client.getJson(`api/workflow/${encodeURIComponent(workflowId)}`, {
        skip_groups: false,
      })) as WorkflowQuery);
    known = undefined;
    for (const group of wf.groups ?? []) {
      for (const task of group.tasks ?? []) {
        const key = `task ${task.name} retry ${task.retry_id}`;
        if (seen.get(key) !== task.status) {
          seen.set(key, task.status);
          const retry = task.retry_id > 0 ? ` retry-${task.retry_id}` : '';
          print(`Task ${task.name}${retry}: ${task.status}`);
        }
      }
    }
    if (seen.get('workflow') !== wf.status) {
      seen.set('workflow', wf.status);
      print(`Workflow ${wf.name}: ${wf.status}`);
    }
    if (isWorkflowStatus(wf.status) && isWorkflowFinished(wf.status)) return wf.status;
    await deps.sleep(WATCH_INTERVAL_MS);
    if (deps.signal.aborted) throw deps.signal.reason;
  }
}

/** Exit 0 on COMPLETED, 1 otherwise (the lines already said why). */
export function exitForWatched(status: string): void {
  if (status !== 'COMPLETED') throw new EarlyExit(1);
}
