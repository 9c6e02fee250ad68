// Status aggregation from counts, for callers that keep tallies instead of every task, so a status
// report costs the same in a workflow of any size. The list-based functions stay the one definition:
// their rules ask only which statuses occur (among lead tasks, among all), so one stand-in per
// present status answers exactly as the full list would.

import type { GroupStatus, TaskStatus, WorkflowStatus } from '../core/statuses.js';
import type { TaskStatusView } from './group-aggregation.js';
import { aggregateGroupStatus } from './group-aggregation.js';
import { aggregateWorkflowStatus } from './workflow-aggregation.js';

/** How many of a group's tasks (latest retries) are in each status, lead tasks apart from the rest. */
export interface TaskStatusCounts {
  readonly lead: ReadonlyMap<TaskStatus, number>;
  readonly other: ReadonlyMap<TaskStatus, number>;
}

/** What aggregateGroupStatus answers for tasks with these counts. */
export function aggregateGroupStatusFromCounts(
  counts: TaskStatusCounts,
  ignoreNonleadStatus: boolean,
): GroupStatus {
  const standIns: TaskStatusView[] = [];
  for (const [lead, byStatus] of [
    [true, counts.lead],
    [false, counts.other],
  ] as const) {
    for (const [status, n] of byStatus) if (n > 0) standIns.push({ name: status, status, lead });
  }
  return aggregateGroupStatus(standIns, ignoreNonleadStatus);
}

/** What aggregateWorkflowStatus answers for groups with these counts. */
export function aggregateWorkflowStatusFromCounts(counts: ReadonlyMap<GroupStatus, number>): WorkflowStatus {
  const present: GroupStatus[] = [];
  for (const [status, n] of counts) if (n > 0) present.push(status);
  return aggregateWorkflowStatus(present);
}
