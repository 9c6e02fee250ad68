// The closed status vocabularies of tasks, groups and workflows.

export const TASK_STATUSES = [
  'SUBMITTING',
  'WAITING',
  'PROCESSING',
  'SCHEDULING',
  'INITIALIZING',
  'RUNNING',
  'COMPLETED',
  'RESCHEDULED',
  'FAILED',
  'FAILED_CANCELED',
  'FAILED_SERVER_ERROR',
  'FAILED_BACKEND_ERROR',
  'FAILED_EXEC_TIMEOUT',
  'FAILED_QUEUE_TIMEOUT',
  'FAILED_IMAGE_PULL',
  'FAILED_UPSTREAM',
  'FAILED_EVICTED',
  'FAILED_START_ERROR',
  'FAILED_START_TIMEOUT',
  'FAILED_PREEMPTED',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A group has the task vocabulary minus RESCHEDULED, and only some failure names are ever produced. */
export const GROUP_STATUSES = [
  'SUBMITTING',
  'WAITING',
  'PROCESSING',
  'SCHEDULING',
  'INITIALIZING',
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'FAILED_UPSTREAM',
  'FAILED_SERVER_ERROR',
  'FAILED_PREEMPTED',
  'FAILED_EVICTED',
  'FAILED_CANCELED',
  'FAILED_EXEC_TIMEOUT',
  'FAILED_QUEUE_TIMEOUT',
] as const;
export type GroupStatus = (typeof GROUP_STATUSES)[number];

export const WORKFLOW_STATUSES = [
  'PENDING',
  'RUNNING',
  'WAITING',
  'COMPLETED',
  'FAILED',
  'FAILED_SUBMISSION',
  'FAILED_SERVER_ERROR',
  'FAILED_EXEC_TIMEOUT',
  'FAILED_QUEUE_TIMEOUT',
  'FAILED_CANCELED',
  'FAILED_BACKEND_ERROR',
  'FAILED_IMAGE_PULL',
  'FAILED_EVICTED',
  'FAILED_START_ERROR',
  'FAILED_START_TIMEOUT',
  'FAILED_PREEMPTED',
] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

export const PRIORITIES = ['HIGH', 'NORMAL', 'LOW'] as const;
export type Priority = (typeof PRIORITIES)[number];

const PRE_RUNNING = new Set<string>(['SUBMITTING', 'WAITING', 'PROCESSING', 'SCHEDULING', 'INITIALIZING']);
const CANCEL_CLASS = new Set<string>(['FAILED_CANCELED', 'FAILED_EXEC_TIMEOUT', 'FAILED_QUEUE_TIMEOUT']);

/** Any status whose name starts with FAILED: what the reference calls failed. */
export const isFailed = (s: TaskStatus | GroupStatus | WorkflowStatus): boolean => s.startsWith('FAILED');

/** COMPLETED, RESCHEDULED or failed: the attempt is over. */
export const isTaskFinished = (s: TaskStatus): boolean =>
  s === 'COMPLETED' || s === 'RESCHEDULED' || isFailed(s);

/** COMPLETED or failed: RESCHEDULED does not finish a group. */
export const isGroupFinished = (s: TaskStatus | GroupStatus): boolean => s === 'COMPLETED' || isFailed(s);

export const isWorkflowFinished = (s: WorkflowStatus): boolean => s === 'COMPLETED' || isFailed(s);

export const isPreRunning = (s: TaskStatus | GroupStatus): boolean => PRE_RUNNING.has(s);

/** FAILED_CANCELED, FAILED_EXEC_TIMEOUT and FAILED_QUEUE_TIMEOUT are applied directly, never aggregated. */
export const isCancelClass = (s: TaskStatus | GroupStatus | WorkflowStatus): boolean => CANCEL_CLASS.has(s);

export const isTaskStatus = (s: string): s is TaskStatus => (TASK_STATUSES as readonly string[]).includes(s);
export const isWorkflowStatus = (s: string): s is WorkflowStatus =>
  (WORKFLOW_STATUSES as readonly string[]).includes(s);
export const isGroupStatus = (s: string): s is GroupStatus =>
  (GROUP_STATUSES as readonly string[]).includes(s);
