// A workflow's status derived from its groups.

import { isFailed } from '../core/statuses.js';
import type { GroupStatus, WorkflowStatus } from '../core/statuses.js';

const PRECEDENCE = [
  'FAILED_CANCELED',
  'FAILED_SERVER_ERROR',
  'FAILED_EXEC_TIMEOUT',
  'FAILED_QUEUE_TIMEOUT',
] as const;

// Group names that are also workflow names carry over; the rest collapse to FAILED.
const AS_WORKFLOW: Partial<Record<GroupStatus, WorkflowStatus>> = {
  FAILED: 'FAILED',
  FAILED_EVICTED: 'FAILED_EVICTED',
  FAILED_PREEMPTED: 'FAILED_PREEMPTED',
  FAILED_SERVER_ERROR: 'FAILED_SERVER_ERROR',
  FAILED_CANCELED: 'FAILED_CANCELED',
  FAILED_EXEC_TIMEOUT: 'FAILED_EXEC_TIMEOUT',
  FAILED_QUEUE_TIMEOUT: 'FAILED_QUEUE_TIMEOUT',
};

const isFinished = (s: GroupStatus): boolean => s === 'COMPLETED' || isFailed(s);

/** WAITING is never produced (upstream disabled it); PENDING is computed but callers never write it back. */
export function aggregateWorkflowStatus(groups: readonly GroupStatus[]): WorkflowStatus {
  if (groups.some((s) => !isFinished(s))) return groups.includes('RUNNING') ? 'RUNNING' : 'PENDING';
  for (const status of PRECEDENCE) if (groups.includes(status)) return status;
  if (groups.some(isFailed)) {
    const distinct = new Set(groups.filter((s) => isFailed(s) && s !== 'FAILED_UPSTREAM'));
    const [only] = distinct;
    return distinct.size === 1 && only !== undefined ? (AS_WORKFLOW[only] ?? 'FAILED') : 'FAILED';
  }
  return 'COMPLETED';
}
