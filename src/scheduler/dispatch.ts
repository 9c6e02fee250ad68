// Pure dispatch decisions: which queued groups start now and where, whom to preempt, and why the rest wait.
import type { Priority } from '../core/index.js';
import { taskNodes } from './eligibility.js';
import type { FreeNode, Placement } from './free-capacity.js';
import { cloneFree, freeCapacity, placeAll } from './free-capacity.js';
import type {
  NodeCapacity,
  PoolShape,
  QueuedGroup,
  ResourceRequest,
  RunningAttempt,
  SchedulerSnapshot,
} from './snapshot.js';
import { anyNodePool } from './snapshot.js';
import type { WaitKind } from './wait-reason.js';
import { capacityWait, estimateStart, quotaWait } from './wait-reason.js';

export type TaskPlacement = Placement;

export interface WaitingGroup {
  readonly groupKey: string;
  readonly kind: WaitKind;
  readonly reason: string;
  readonly estimatedStart: Date | null;
}

export interface DispatchPlan {
  readonly launch: readonly { readonly groupKey: string; readonly tasks: readonly TaskPlacement[] }[];
  /** LOW attempts to stop (FAILED_PREEMPTED) so quota-holding work can start on a later pass. */
  readonly preempt: readonly { readonly attemptKey: string; readonly forGroup: string }[];
  readonly waiting: readonly WaitingGroup[];
}

const PRIORITY_RANK: Record<Priority, number> = { HIGH: 0, NORMAL: 1, LOW: 2 };

/** HIGH before NORMAL before LOW, oldest first within a class (execution.md §23.2). */
export function queueOrder(a: QueuedGroup, b: QueuedGroup): number {
  return (
    PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
    a.submitTime.getTime() - b.submitTime.getTime() ||
    a.key.localeCompare(b.key)
  );
}

const gpusOf = (tasks: readonly ResourceRequest[]): number => tasks.reduce((s, t) => s + t.gpu, 0);

/** Compatibility form for one pool that may use every node. */
export function planDispatch(
  queue: readonly QueuedGroup[],
  nodes: readonly NodeCapacity[],
  running: readonly RunningAttempt[],
): DispatchPlan {
  return planSnapshot({ pools: [anyNodePool('default')], nodes, running, queue });
}

/**
 * Places queued groups on free capacity. A group starts only when every task fits (gang admission);
 * HIGH/NORMAL stay within their pool's GPU guarantee, LOW borrows idle GPUs and may be preempted;
 * a group that cannot start is passed over so smaller work behind it can run (backfill).
 */
export function planSnapshot(snapshot: SchedulerSnapshot): DispatchPlan {
  const pools = new Map(snapshot.pools.map((p) => [p.name, p]));
  const firstPool = snapshot.pools[0];
  const free = freeCapacity(snapshot.nodes, snapshot.running);
  const initialFree = cloneFree(free);
  const quotaUsed = new Map<string, number>();
  const totalUsed = new Map<string, number>();
  for (const r of snapshot.running) {
    const pool = r.pool ?? firstPool?.name ?? '';
    totalUsed.set(pool, (totalUsed.get(pool) ?? 0) + r.gpu);
    if (r.priority !== 'LOW') quotaUsed.set(pool, (quotaUsed.get(pool) ?? 0) + r.gpu);
  }
  // Victim candidates: LOW work newest first; attempts already stopping are claimed victims.
  const claimed = new Set<string>();
  const lowByNode = new Map<string, RunningAttempt[]>();
  for (const r of [...snapshot.running].reverse()) {
    if (r.priority !== 'LOW' || r.key === undefined) continue;
    lowByNode.set(r.node, [...(lowByNode.get(r.node) ?? []), r]);
  }
  const launch: { groupKey: string; tasks: TaskPlacement[] }[] = [];
  const preempt: { attemptKey: string; forGroup: string }[] = [];
  const waiting: WaitingGroup[] = [];
  const ahead: QueuedGroup[] = [];
  const candidateCache = new Map<string, string[]>();

  for (const group of orderQueue(snapshot.queue, pools, totalUsed, quotaUsed)) {
    const pool = (group.pool === undefined ? firstPool : pools.get(group.pool)) ?? firstPool;
    const wait = (kind: WaitKind, reason: string, estimatedStart: Date | null = null): void => {
      waiting.push({ groupKey: group.key, kind, reason, estimatedStart });
    };
    if (pool === undefined || (group.pool !== undefined && !pools.has(group.pool))) {
      wait('never', `pool ${group.pool ?? ''} is not configured`);
      continue;
    }
    const need = gpusOf(group.tasks);
    const candidates = group.tasks.map((t) => candidatesOf(pool, t, snapshot.nodes, candidateCache));
    const blocked = capacityWait(group, pool, candidates, snapshot.nodes, initialFree);
    if (blocked?.kind === 'never') {
      wait('never', blocked.reason);
      continue;
    }
    const used = quotaUsed.get(pool.name) ?? 0;
    const all = totalUsed.get(pool.name) ?? 0;
    if (group.priority !== 'LOW' && pool.gpu.guarantee >= 0 && used + need > pool.gpu.guarantee) {
      const releases = snapshot.running.filter(
        (r) => (r.pool ?? pool.name) === pool.name && r.priority !== 'LOW',
      );
      const at = estimateStart(used + need - pool.gpu.guarantee, 0, releases);
      wait('quota', quotaWait(pool, used, need), at);
      continue;
    }
    if (pool.gpu.maximum >= 0 && all + need > pool.gpu.maximum) {
      wait(
        'quota',
        `pool ${pool.name} is at its maximum of ${pool.gpu.maximum} GPUs (${all} in use, group needs ${need})`,
      );
      continue;
    }
    const trial = cloneFree(free);
    const placed = placeAll(group.tasks, candidates, trial);
    if (placed !== null) {
      free.splice(0, free.length, ...trial);
      launch.push({ groupKey: group.key, tasks: placed });
      totalUsed.set(pool.name, all + need);
      if (group.priority !== 'LOW') quotaUsed.set(pool.name, used + need);
      ahead.push(group);
      continue;
    }
    if (group.priority !== 'LOW') {
      const victims = planPreemption(group, candidates, free, snapshot.running, lowByNode, claimed);
      if (victims !== null) {
        for (const v of victims.fresh) preempt.push({ attemptKey: v, forGroup: group.key });
        quotaUsed.set(pool.name, used + need);
        totalUsed.set(pool.name, all + need);
        wait('preempting', `stopping ${victims.count} LOW-priority task(s) to make room`);
        ahead.push(group);
        continue;
      }
    }
    const eligible = new Set(candidates.flat());
    const releases = snapshot.running.filter((r) => eligible.has(r.node));
    const freeNow = initialFree
      .filter((n) => eligible.has(n.name))
      .reduce((s, n) => s + n.freeGpus.length, 0);
    const at = estimateStart(need, freeNow, releases);
    if (blocked === null && ahead.length > 0) {
      const higher = ahead.filter((g) => PRIORITY_RANK[g.priority] < PRIORITY_RANK[group.priority]).length;
      const text =
        higher === ahead.length
          ? `waiting behind ${higher} higher-priority group(s)`
          : `waiting behind ${ahead.length} group(s) ahead in the queue (${higher} of higher priority)`;
      wait('behind', text, at);
    } else {
      wait('capacity', blocked?.reason ?? 'not enough free capacity on any node', at);
    }
    ahead.push(group);
  }
  return { launch, preempt, waiting };
}

function candidatesOf(
  pool: PoolShape,
  task: QueuedGroup['tasks'][number],
  nodes: readonly NodeCapacity[],
  cache: Map<string, string[]>,
): string[] {
  const key = `${pool.name}\u0000${task.platform ?? ''}\u0000${(task.nodesExcluded ?? []).join(',')}`;
  let names = cache.get(key);
  if (names === undefined) {
    names = taskNodes(pool, task, nodes).map((n) => n.name);
    cache.set(key, names);
  }
  return names;
}

/** LOW groups are served in the order of their pool's borrowed GPUs per weight, then FIFO. */
function orderQueue(
  queue: readonly QueuedGroup[],
  pools: ReadonlyMap<string, PoolShape>,
  totalUsed: ReadonlyMap<string, number>,
  quotaUsed: ReadonlyMap<string, number>,
): QueuedGroup[] {
  const share = (g: QueuedGroup): number => {
    if (g.priority !== 'LOW' || g.pool === undefined) return 0;
    const borrowed = (totalUsed.get(g.pool) ?? 0) - (quotaUsed.get(g.pool) ?? 0);
    return borrowed / Math.max(pools.get(g.pool)?.gpu.weight ?? 1, 1e-9);
  };
  return [...queue].sort((a, b) => {
    const rank = PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority];
    if (rank !== 0 || a.priority !== 'LOW') return rank || queueOrder(a, b);
    return share(a) - share(b) || queueOrder(a, b);
  });
}

/**
 * Whether the group fits once some LOW attempts stop; if so the victims (newest first per node) and
 * a reservation of the space in `free`, so work behind it cannot take what the preemption frees.
 */
function planPreemption(
  group: QueuedGroup,
  candidates: readonly (readonly string[])[],
  free: FreeNode[],
  running: readonly RunningAttempt[],
  lowByNode: ReadonlyMap<string, readonly RunningAttempt[]>,
  claimed: Set<string>,
): { fresh: string[]; count: number } | null {
  const reclaimable = (r: RunningAttempt): boolean =>
    r.key !== undefined && !claimed.has(r.key) && (r.stopping === true || r.priority === 'LOW');
  const widened = cloneFree(free).map((n) => {
    const extra = running.filter((r) => r.node === n.name && reclaimable(r));
    return {
      ...n,
      cpu: n.cpu + extra.reduce((s, r) => s + r.cpu, 0),
      memoryBytes: n.memoryBytes + extra.reduce((s, r) => s + r.memoryBytes, 0),
      freeGpus: [...n.freeGpus, ...extra.flatMap((r) => r.gpuIndices)],
    };
  });
  const placed = placeAll(group.tasks, candidates, widened);
  if (placed === null) return null;
  const fresh: string[] = [];
  let count = 0;
  const byName = new Map(free.map((n) => [n.name, n]));
  for (const nodeName of new Set(placed.map((p) => p.node))) {
    const node = byName.get(nodeName);
    if (node === undefined) continue;
    const demand = group.tasks.filter((t) => placed.find((p) => p.key === t.key)?.node === nodeName);
    const need = { cpu: 0, memoryBytes: 0, gpu: 0 };
    for (const t of demand) {
      need.cpu += t.cpu;
      need.memoryBytes += t.memoryBytes;
      need.gpu += t.gpu;
    }
    const have = { cpu: node.cpu, memoryBytes: node.memoryBytes, gpu: node.freeGpus.length };
    const pool = [
      ...running.filter((r) => r.node === nodeName && r.stopping === true && r.key !== undefined),
      ...(lowByNode.get(nodeName) ?? []).filter((r) => r.stopping !== true),
    ];
    for (const r of pool) {
      if (have.cpu >= need.cpu && have.memoryBytes >= need.memoryBytes && have.gpu >= need.gpu) break;
      if (r.key === undefined || claimed.has(r.key)) continue;
      claimed.add(r.key);
      count += 1;
      if (r.stopping !== true) fresh.push(r.key);
      have.cpu += r.cpu;
      have.memoryBytes += r.memoryBytes;
      have.gpu += r.gpuIndices.length;
    }
    // Reserve: what is free now on this node goes to the waiting group.
    node.cpu = Math.max(0, node.cpu - need.cpu);
    node.memoryBytes = Math.max(0, node.memoryBytes - need.memoryBytes);
    node.freeGpus.splice(0, Math.min(need.gpu, node.freeGpus.length));
  }
  return { fresh, count };
}

/** The submit-time check that a task could ever fit on one of the given nodes. */
export function taskNeverFits(task: ResourceRequest, nodes: readonly NodeCapacity[]): boolean {
  return !nodes.some((n) => task.cpu <= n.cpu && task.memoryBytes <= n.memoryBytes && task.gpu <= n.gpu);
}
