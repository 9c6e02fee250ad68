// Forward-only task status transitions.

import { TASK_STATUSES, isTaskFinished } from '../core/statuses.js';
import type { TaskStatus } from '../core/statuses.js';

const ALIVE: readonly TaskStatus[] = ['WAITING', 'PROCESSING', 'SCHEDULING', 'INITIALIZING', 'RUNNING'];

const SOURCES: ReadonlyMap<TaskStatus, readonly TaskStatus[]> = new Map(
  TASK_STATUSES.map((to): [TaskStatus, readonly TaskStatus[]] => {
    switch (to) {
      case 'SUBMITTING':
      case 'WAITING':
        return [to, []];
      case 'PROCESSING':
        return [to, ['WAITING']];
      case 'SCHEDULING':
        return [to, ['WAITING', 'PROCESSING']];
      case 'INITIALIZING':
        return [to, ['WAITING', 'PROCESSING', 'SCHEDULING']];
      case 'RUNNING':
        return [to, ['WAITING', 'PROCESSING', 'SCHEDULING', 'INITIALIZING']];
      // A task that already runs cannot time out starting.
      case 'FAILED_START_TIMEOUT':
        return [to, ['WAITING', 'PROCESSING', 'SCHEDULING', 'INITIALIZING']];
      default:
        return [to, isTaskFinished(to) ? ALIVE : []];
    }
  }),
);

/** The statuses a task may move to `to` from; use as the guard of a conditional write. */
export function taskTransitionSources(to: TaskStatus): readonly TaskStatus[] {
  return SOURCES.get(to) ?? [];
}

/** Whether a task may move from `from` to `to` (never backwards, never out of a finished status). */
export function canTransitionTask(from: TaskStatus, to: TaskStatus): boolean {
  return taskTransitionSources(to).includes(from);
}
