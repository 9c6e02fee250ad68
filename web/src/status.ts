// The UI's five status categories (colour, icon, presets) over the service's status vocabularies.
import type { GroupStatus, TaskStatus, WorkflowStatus } from '../../src/core/statuses.js';
import { WORKFLOW_STATUSES } from '../../src/core/statuses.js';

export const STATUS_CATEGORIES = ['waiting', 'pending', 'running', 'completed', 'failed'] as const;
export type StatusCategory = (typeof STATUS_CATEGORIES)[number];

/**
 * Group and task statuses arrive as open strings (the wire contract lets a client take statuses this
 * service does not send); the known ones are named for the table below.
 */
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

/** A status this UI does not know counts as pending: under way, not yet decided. */
export function statusCategory(status: string): StatusCategory {
  if (status.startsWith('FAILED')) return 'failed';
  return (CATEGORY as Readonly<Record<string, StatusCategory>>)[status] ?? 'pending';
}

/** The workflow statuses of a category, for the list's preset filters. */
export const workflowStatusesIn = (category: StatusCategory): WorkflowStatus[] =>
  WORKFLOW_STATUSES.filter((s) => statusCategory(s) === category);

/** "FAILED_IMAGE_PULL" → "Failed image pull". */
export const statusLabel = (status: string): string =>
  status.charAt(0) + status.slice(1).toLowerCase().replace(/_/g, ' ');
