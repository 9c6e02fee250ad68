// The wire shape of resource usage: snake_case rows with only the keys of their grouping, and a total.
import type { UsageGrouping, UsageRow } from '../../store/index.js';
import type { UsageReport } from './usage-wire.js';

const KEY_FIELDS: Record<UsageGrouping, readonly (keyof UsageRow)[]> = {
  user: ['user'],
  pool: ['pool'],
  workflow: ['workflowId', 'user', 'pool'],
  task: ['workflowId', 'taskName', 'user', 'pool'],
};
const WIRE: Partial<Record<keyof UsageRow, string>> = {
  user: 'user',
  pool: 'pool',
  workflowId: 'workflow_id',
  taskName: 'task_name',
};

/** Hours are rounded to a millionth (3.6 ms of one unit): float noise goes, a short small task still shows. */
const hours = (h: number): number => Math.round(h * 1e6) / 1e6;

export interface UsageAmounts {
  readonly attempts: number;
  readonly gpu_hours: number;
  readonly cpu_hours: number;
  readonly memory_gib_hours: number;
}

export function usageAmounts(rows: readonly UsageRow[]): UsageAmounts {
  const sum = (f: (r: UsageRow) => number): number => rows.reduce((n, r) => n + f(r), 0);
  return {
    attempts: sum((r) => r.attempts),
    gpu_hours: hours(sum((r) => r.gpuHours)),
    cpu_hours: hours(sum((r) => r.cpuHours)),
    memory_gib_hours: hours(sum((r) => r.memoryGibHours)),
  };
}

export function usageJson(
  groupBy: UsageGrouping,
  since: Date,
  until: Date,
  rows: readonly UsageRow[],
): UsageReport {
  return {
    group_by: groupBy,
    since: since.toISOString(),
    until: until.toISOString(),
    usage: rows.map((r) => ({
      ...Object.fromEntries(KEY_FIELDS[groupBy].map((k) => [WIRE[k] ?? k, r[k]])),
      ...usageAmounts([r]),
    })),
    total: usageAmounts(rows),
  };
}
