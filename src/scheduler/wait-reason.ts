// Plain words for why a group waits, and an estimated start from the deadlines of what holds the GPUs.
import type { FreeNode } from './free-capacity.js';
import { placeAll } from './free-capacity.js';
import type { NodeCapacity, PoolShape, QueuedGroup, RunningAttempt } from './snapshot.js';

export const WAIT_KINDS = ['never', 'offline', 'quota', 'capacity', 'behind', 'preempting'] as const;
export type WaitKind = (typeof WAIT_KINDS)[number];

const platformText = (pool: PoolShape, platform: string | null | undefined): string =>
  platform ? `platform ${platform} of pool ${pool.name}` : `pool ${pool.name}`;

/**
 * Null when the group fits the capacity that was free before this pass; otherwise why not: `never`
 * when some task has no node that could ever hold it, `capacity` when the nodes are busy.
 */
export function capacityWait(
  group: QueuedGroup,
  pool: PoolShape,
  candidates: readonly (readonly string[])[],
  byName: ReadonlyMap<string, NodeCapacity>,
  initialFree: ReadonlyMap<string, FreeNode>,
): { kind: 'never' | 'capacity'; reason: string } | null {
  for (const [i, task] of group.tasks.entries()) {
    const names = candidates[i] ?? [];
    const where = platformText(pool, task.platform);
    if (names.length === 0) {
      return {
        kind: 'never',
        reason:
          (task.nodesExcluded ?? []).length > 0
            ? `every node of ${where} is excluded`
            : `no node of ${where}`,
      };
    }
    const big = names.some((name) => {
      const n = byName.get(name);
      return n !== undefined && task.cpu <= n.cpu && task.memoryBytes <= n.memoryBytes && task.gpu <= n.gpu;
    });
    if (!big) return { kind: 'never', reason: `task ${task.key} needs more than any node of ${where} has` };
  }
  if (placeAll(group.tasks, candidates, initialFree, true) !== null) return null;
  const freeNodes = [...new Set(candidates.flat())].flatMap((name) => initialFree.get(name) ?? []);
  const most = Math.max(0, ...freeNodes.map((n) => n.freeGpus.length));
  const largest = Math.max(0, ...group.tasks.map((t) => t.gpu));
  const need = group.tasks.reduce((s, t) => s + t.gpu, 0);
  const total = freeNodes.reduce((s, n) => s + n.freeGpus.length, 0);
  if (largest > most) {
    return {
      kind: 'capacity',
      reason: `not enough free GPUs on any node: a task needs ${largest}, at most ${most} free on one node`,
    };
  }
  if (need > total) {
    return { kind: 'capacity', reason: `not enough free GPUs: the group needs ${need}, ${total} free` };
  }
  return { kind: 'capacity', reason: 'not enough free CPU or memory on any node' };
}

export function quotaWait(pool: PoolShape, used: number, need: number): string {
  return (
    `pool ${pool.name} quota used up: ${used} of ${pool.gpu.guarantee} guaranteed GPUs in use ` +
    `by HIGH/NORMAL work, the group needs ${need}`
  );
}

/**
 * When `need` GPUs are available if the releases end at their deadlines (a bound: attempts may end
 * earlier); null when some release needed has no known deadline.
 */
export function estimateStart(
  need: number,
  availableNow: number,
  releases: readonly Pick<RunningAttempt, 'gpu' | 'deadline'>[],
): Date | null {
  let available = availableNow;
  if (available >= need) return null;
  const sorted = [...releases]
    .filter((r) => r.gpu > 0)
    .sort((a, b) => (a.deadline?.getTime() ?? Infinity) - (b.deadline?.getTime() ?? Infinity));
  for (const r of sorted) {
    if (r.deadline === null || r.deadline === undefined) return null;
    available += r.gpu;
    if (available >= need) return r.deadline;
  }
  return null;
}
