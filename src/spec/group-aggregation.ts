// A group's status derived from its tasks' latest retries.

import { isFailed, isGroupFinished, isTaskFinished } from '../core/statuses.js';
import type { GroupStatus, TaskStatus } from '../core/statuses.js';

export interface TaskStatusView {
  readonly name: string;
  readonly status: TaskStatus;
  readonly lead: boolean;
}

/** First matching rule wins; rules 2–4 look at every task, 5–7 only at the "considered" ones. */
export function aggregateGroupStatus(
  tasks: readonly TaskStatusView[],
  ignoreNonleadStatus: boolean,
): GroupStatus {
  const statuses = tasks.map((t) => t.status);
  if (statuses.some((s) => !isGroupFinished(s))) {
    return statuses.some((s) => s === 'RUNNING' || isTaskFinished(s)) ? 'RUNNING' : 'INITIALIZING';
  }
  if (statuses.includes('FAILED_UPSTREAM')) return 'FAILED_UPSTREAM';
  if (statuses.includes('FAILED_SERVER_ERROR')) return 'FAILED_SERVER_ERROR';
  if (statuses.includes('FAILED_PREEMPTED')) return 'FAILED_PREEMPTED';
  const considered = (ignoreNonleadStatus ? tasks.filter((t) => t.lead) : tasks).map((t) => t.status);
  if (considered.includes('FAILED_EVICTED')) return 'FAILED_EVICTED';
  if (considered.some(isFailed)) return 'FAILED';
  if (considered.every((s) => s === 'COMPLETED')) return 'COMPLETED';
  return 'RUNNING';
}
