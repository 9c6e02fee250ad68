// Occupancy: the service's usage rows (user × pool × priority) folded into parents by pool or by user.
import type { Priority } from '../../src/core/statuses.js';

export interface UsageRow {
  readonly user: string;
  /** Null for tasks that ran in no pool. */
  readonly pool: string | null;
  readonly priority: Priority;
  readonly gpu: number;
  readonly cpu: number;
  readonly memory: number;
  readonly storage: number;
}

export interface UsageTotals {
  gpu: number;
  cpu: number;
  memory: number;
  storage: number;
  /** GPUs by priority: HIGH and NORMAL count against quota, LOW may be preempted. */
  gpuByPriority: Record<Priority, number>;
}

export interface UsageGroup extends UsageTotals {
  readonly name: string;
  readonly children: (UsageTotals & { readonly name: string })[];
}

export type GroupBy = 'pool' | 'user';

/** How tasks that ran in no pool are named in the table. */
export const NO_POOL = '(no pool)';

const empty = (): UsageTotals => ({
  gpu: 0,
  cpu: 0,
  memory: 0,
  storage: 0,
  gpuByPriority: { HIGH: 0, NORMAL: 0, LOW: 0 },
});

function add(into: UsageTotals, row: UsageRow): void {
  into.gpu += row.gpu;
  into.cpu += row.cpu;
  into.memory += row.memory;
  into.storage += row.storage;
  into.gpuByPriority[row.priority] += row.gpu;
}

/** Parents (pools or users) with their children (the other side), both by GPUs then CPUs, most first. */
export function groupUsage(rows: readonly UsageRow[], by: GroupBy): UsageGroup[] {
  const parents = new Map<string, UsageTotals & { children: Map<string, UsageTotals> }>();
  for (const row of rows) {
    const pool = row.pool ?? NO_POOL;
    const key = by === 'pool' ? pool : row.user;
    const childKey = by === 'pool' ? row.user : pool;
    let parent = parents.get(key);
    if (!parent) {
      parent = { ...empty(), children: new Map() };
      parents.set(key, parent);
    }
    add(parent, row);
    let child = parent.children.get(childKey);
    if (!child) {
      child = empty();
      parent.children.set(childKey, child);
    }
    add(child, row);
  }
  const order = (a: UsageTotals & { name: string }, b: UsageTotals & { name: string }): number =>
    b.gpu - a.gpu || b.cpu - a.cpu || a.name.localeCompare(b.name);
  return [...parents.entries()]
    .map(([name, p]) => ({
      ...p,
      name,
      children: [...p.children.entries()].map(([n, c]) => ({ ...c, name: n })).sort(order),
    }))
    .sort(order);
}

export function totalUsage(rows: readonly UsageRow[]): UsageTotals {
  const sum = empty();
  for (const row of rows) add(sum, row);
  return sum;
}
