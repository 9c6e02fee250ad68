// The pool quota report: GPU quota and capacity per pool and node set.
import type { NodeSet } from './eligibility.js';
import { nodeSets } from './eligibility.js';
import type { NodeCapacity, PoolShape, RunningAttempt } from './snapshot.js';

export interface PoolUsage {
  readonly quotaUsed: number;
  readonly quotaFree: number;
  readonly quotaLimit: number;
  readonly totalUsage: number;
  readonly totalCapacity: number;
  readonly totalFree: number;
}

export interface QuotaReport {
  readonly nodeSets: readonly {
    readonly pools: readonly { readonly name: string; readonly usage: PoolUsage }[];
  }[];
  readonly sum: PoolUsage;
}

/**
 * Only RUNNING attempts count toward usage, LOW never toward quota; a guarantee of -1 means the node
 * set's capacity; free GPUs per node set count every placed attempt on its nodes.
 */
export function poolQuotaReport(
  pools: readonly PoolShape[],
  nodes: readonly NodeCapacity[],
  attempts: readonly RunningAttempt[],
): QuotaReport {
  const sets: NodeSet[] = nodeSets(pools, nodes);
  const gpuOfNode = new Map(nodes.map((n) => [n.name, n.gpu]));
  const placedOnNode = new Map<string, number>();
  for (const a of attempts) placedOnNode.set(a.node, (placedOnNode.get(a.node) ?? 0) + a.gpu);
  const quotaUsed = new Map<string, number>();
  const totalUsage = new Map<string, number>();
  for (const a of attempts) {
    if (a.running !== true || a.pool === undefined) continue;
    totalUsage.set(a.pool, (totalUsage.get(a.pool) ?? 0) + a.gpu);
    if (a.priority !== 'LOW') quotaUsed.set(a.pool, (quotaUsed.get(a.pool) ?? 0) + a.gpu);
  }
  const byName = new Map(pools.map((p) => [p.name, p]));
  const sum = { quotaUsed: 0, quotaFree: 0, quotaLimit: 0, totalUsage: 0, totalCapacity: 0, totalFree: 0 };
  const report = sets.map((set) => {
    const capacity = set.nodes.reduce((s, n) => s + (gpuOfNode.get(n) ?? 0), 0);
    const free = set.nodes.reduce(
      (s, n) => s + Math.max(0, (gpuOfNode.get(n) ?? 0) - (placedOnNode.get(n) ?? 0)),
      0,
    );
    sum.totalCapacity += capacity;
    sum.totalFree += free;
    return {
      pools: set.pools.map((name) => {
        const guarantee = byName.get(name)?.gpu.guarantee ?? -1;
        const limit = guarantee < 0 ? capacity : guarantee;
        const used = quotaUsed.get(name) ?? 0;
        const usage: PoolUsage = {
          quotaUsed: used,
          quotaFree: limit - used,
          quotaLimit: limit,
          totalUsage: totalUsage.get(name) ?? 0,
          totalCapacity: capacity,
          totalFree: free,
        };
        sum.quotaUsed += usage.quotaUsed;
        sum.quotaFree += usage.quotaFree;
        sum.quotaLimit += usage.quotaLimit;
        sum.totalUsage += usage.totalUsage;
        return { name, usage };
      }),
    };
  });
  return { nodeSets: report, sum };
}

/** The submit-time check for NORMAL/HIGH: one group's GPUs within the guarantee. */
export function guaranteeViolation(
  pool: PoolShape,
  groups: readonly { readonly name: string; readonly gpu: number }[],
): string | null {
  if (pool.gpu.guarantee < 0) return null;
  const over = groups.find((g) => g.gpu > pool.gpu.guarantee);
  if (over === undefined) return null;
  return (
    `Pool ${pool.name} has ${pool.gpu.guarantee} GPUs guaranteed for NORMAL/HIGH priority workflows and ` +
    `group ${over.name} requires ${over.gpu} GPUs. Higher gpu counts must be submitted with LOW priority`
  );
}
