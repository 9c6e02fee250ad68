// The UI's five status categories (colour, icon, presets) over the service's closed status vocabularies.
import { isFailed } from '../../src/core/statuses.js';
import type { GroupStatus, TaskStatus, WorkflowStatus } from '../../src/core/statuses.js';
import { WORKFLOW_STATUSES } from '../../src/core/statuses.js';

export const STATUS_CATEGORIES = ['waiting', 'pending', 'running', 'completed', 'failed'] as const;
export type StatusCategory = (typeof STATUS_CATEGORIES)[number];

export type AnyStatus = TaskStatus | GroupStatus | WorkflowStatus;
type NonFailedStatus = Exclude<AnyStatus, `FAILED${string}`>;

const CATEGORY: Readonly<Record<NonFailedStatus, StatusCategory>> = {
  PENDING: 'waiting',
  WAITING: 'waiting',
  SUBMITTING: 'pending',
  PROCESSING: 'pending',
  SCHEDULING: 'pending',
  INITIALIZING: 'running',
  RUNNING: 'running',
  COMPLETED: 'completed',
  RESCHEDULED: 'completed',
};

export function statusCategory(status: AnyStatus): StatusCategory {
  if (isFailed(status)) return 'failed';
  return CATEGORY[status as NonFailedStatus];
}

/** The workflow statuses of a category, for the list's preset filters. */
export const workflowStatusesIn = (category: StatusCategory): WorkflowStatus[] =>
  WORKFLOW_STATUSES.filter((s) => statusCategory(s) === category);

/** "FAILED_IMAGE_PULL" → "Failed image pull". */
export const statusLabel = (status: string): string =>
  status.charAt(0) + status.slice(1).toLowerCase().replace(/_/g, ' ');
