// The wire shape of `GET /api/usage` (the service's schema) and the columns each grouping prints.
export const GROUPINGS = ['user', 'pool', 'workflow', 'task'] as const;
export type Grouping = (typeof GROUPINGS)[number];
export const FORMATS = ['text', 'json', 'csv'] as const;
export type UsageFormat = (typeof FORMATS)[number];

export type { UsageReport as UsageResponse } from '../../../api/contract/usage-wire.js';

export const KEY_COLUMNS: Record<Grouping, readonly ('user' | 'pool' | 'workflow_id' | 'task_name')[]> = {
  user: ['user'],
  pool: ['pool'],
  workflow: ['workflow_id', 'user', 'pool'],
  task: ['workflow_id', 'task_name', 'user', 'pool'],
};
export const AMOUNT_COLUMNS = ['attempts', 'gpu_hours', 'cpu_hours', 'memory_gib_hours'] as const;
export const TITLES: Record<string, string> = {
  user: 'User',
  pool: 'Pool',
  workflow_id: 'Workflow ID',
  task_name: 'Task',
  attempts: 'Attempts',
  gpu_hours: 'GPU Hours',
  cpu_hours: 'CPU Hours',
  memory_gib_hours: 'Memory GiB Hours',
};
