// Pure dispatch decisions: which queued groups start now and where, whom to preempt, and why the rest wait.
import type { Priority } from '../core/index.js';
import { taskNodes } from './eligibility.js';
import type { FreeNode, Placement } from './free-capacity.js';
import { byNodeName, cloneFree, freeCapacity, placeAll, pushTo } from './free-capacity.js';
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

/** HIGH before NORMAL before LOW, oldest first within a class. */
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
  const nodeByName = new Map(snapshot.nodes.map((n) => [n.name, n]));
  const freeList = freeCapacity(snapshot.nodes, snapshot.running);
  const free = byNodeName(freeList);
  const initialFree = byNodeName(cloneFree(freeList));
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
    pushTo(lowByNode, r.node, r);
  }
  const launch: { groupKey: string; tasks: TaskPlacement[] }[] = [];
  const preempt: { attemptKey: string; forGroup: string }[] = [];
  const waiting: WaitingGroup[] = [];
  // Groups placed, reserved or waiting ahead in this pass, counted per priority rank.
  const aheadByRank = [0, 0, 0];
  const candidateCache = new Map<string, string[]>();
  const estimateCache = new Map<string, Date | null>();
  const quotaEstimates = new Map<string, Date | null>();
  const reclaimableByNode = new Map<string, RunningAttempt[]>();
  for (const r of snapshot.running) {
    if (r.key === undefined || (r.priority !== 'LOW' && r.stopping !== true)) continue;
    pushTo(reclaimableByNode, r.node, r);
  }
  const reclaimable = snapshot.running.some(
    (r) => r.key !== undefined && (r.priority === 'LOW' || r.stopping === true),
  );

  for (const group of orderQueue(snapshot.queue, pools, totalUsed, quotaUsed)) {
    const pool = (group.pool === undefined ? firstPool : pools.get(group.pool)) ?? firstPool;
    const wait = (kind: WaitKind, reason: string, estimatedStart: Date | null = null): void => {
      waiting.push({ groupKey: group.key, kind, reason, estimatedStart });
    };
    if (pool === undefined || (group.pool !== undefined && !pools.has(group.pool))) {
      wait('never', `pool ${group.pool ?? ''} is not configured`);
      continue;
    }
    // A backend that is down or gone is waited for, never taken for a pool that can never fit.
    if (pool.backendUnavailable) {
      wait('offline', `${pool.backendUnavailable}; pool ${pool.name} waits for it`);
      continue;
    }
    const need = gpusOf(group.tasks);
    const candidates = group.tasks.map((t) => candidatesOf(pool, t, snapshot.nodes, candidateCache));
    const blocked = capacityWait(group, pool, candidates, nodeByName, initialFree);
    if (blocked?.kind === 'never') {
      wait('never', blocked.reason);
      continue;
    }
    const used = quotaUsed.get(pool.name) ?? 0;
    const all = totalUsed.get(pool.name) ?? 0;
    if (group.priority !== 'LOW' && pool.gpu.guarantee >= 0 && used + need > pool.gpu.guarantee) {
      // Many groups wait on one pool's quota: its releases are gathered once per pass and shortfall.
      const quotaKey = `${pool.name}\u0000${used + need - pool.gpu.guarantee}`;
      let at = quotaEstimates.get(quotaKey);
      if (at === undefined) {
        const releases = snapshot.running.filter(
          (r) => (r.pool ?? pool.name) === pool.name && r.priority !== 'LOW',
        );
        at = estimateStart(used + need - pool.gpu.guarantee, 0, releases);
        quotaEstimates.set(quotaKey, at);
      }
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
    const placed = placeAll(group.tasks, candidates, free);
    if (placed !== null) {
      launch.push({ groupKey: group.key, tasks: placed });
      totalUsed.set(pool.name, all + need);
      if (group.priority !== 'LOW') quotaUsed.set(pool.name, used + need);
      aheadByRank[PRIORITY_RANK[group.priority]] = (aheadByRank[PRIORITY_RANK[group.priority]] ?? 0) + 1;
      continue;
    }
    if (group.priority !== 'LOW' && reclaimable) {
      const victims = planPreemption(
        group,
        candidates,
        free,
        snapshot.running,
        lowByNode,
        reclaimableByNode,
        claimed,
      );
      if (victims !== null) {
        for (const v of victims.fresh) preempt.push({ attemptKey: v, forGroup: group.key });
        quotaUsed.set(pool.name, used + need);
        totalUsed.set(pool.name, all + need);
        wait('preempting', `stopping ${victims.count} LOW-priority task(s) to make room`);
        aheadByRank[PRIORITY_RANK[group.priority]] = (aheadByRank[PRIORITY_RANK[group.priority]] ?? 0) + 1;
        continue;
      }
    }
    const estimateKey = `${need}\u0000${candidates.map((c) => c.length + (c[0] ?? '')).join('\u0000')}`;
    let at = estimateCache.get(estimateKey);
    if (at === undefined) {
      const eligible = new Set(candidates.flat());
      const releases = snapshot.running.filter((r) => eligible.has(r.node));
      let freeNow = 0;
      for (const name of eligible) freeNow += initialFree.get(name)?.freeGpus.length ?? 0;
      at = estimateStart(need, freeNow, releases);
      estimateCache.set(estimateKey, at);
    }
    const rank = PRIORITY_RANK[group.priority];
    const aheadCount = aheadByRank.reduce((a, b) => a + b, 0);
    if (blocked === null && aheadCount > 0) {
      const higher = aheadByRank.slice(0, rank).reduce((a, b) => a + b, 0);
      const text =
        higher === aheadCount
          ? `waiting behind ${higher} higher-priority group(s)`
          : `waiting behind ${aheadCount} group(s) ahead in the queue (${higher} of higher priority)`;
      wait('behind', text, at);
    } else {
      wait('capacity', blocked?.reason ?? 'not enough free capacity on any node', at);
    }
    aheadByRank[rank] = (aheadByRank[rank] ?? 0) + 1;
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
  free: ReadonlyMap<string, FreeNode>,
  running: readonly RunningAttempt[],
  lowByNode: ReadonlyMap<string, readonly RunningAttempt[]>,
  reclaimableByNode: ReadonlyMap<string, readonly RunningAttempt[]>,
  claimed: Set<string>,
): { fresh: string[]; count: number } | null {
  const reclaimable = (r: RunningAttempt): boolean =>
    r.key !== undefined && !claimed.has(r.key) && (r.stopping === true || r.priority === 'LOW');
  // Nodes with reclaimable work get widened copies; the others are probed in place and restored.
  const overlay = new Map<string, FreeNode>();
  const widened = { get: (name: string): FreeNode | undefined => overlay.get(name) ?? free.get(name) };
  let any = false;
  for (const [name, extra] of reclaimableByNode) {
    const n = free.get(name);
    const usable = extra.filter(reclaimable);
    if (n === undefined || usable.length === 0) continue;
    any = true;
    overlay.set(name, {
      ...n,
      cpu: n.cpu + usable.reduce((s, r) => s + r.cpu, 0),
      memoryBytes: n.memoryBytes + usable.reduce((s, r) => s + r.memoryBytes, 0),
      freeGpus: [...n.freeGpus, ...usable.flatMap((r) => r.gpuIndices)],
    });
  }
  if (!any) return null;
  const placed = placeAll(group.tasks, candidates, widened, true);
  if (placed === null) return null;
  const fresh: string[] = [];
  let count = 0;
  const nodeOf = new Map(placed.map((p) => [p.key, p.node]));
  for (const nodeName of new Set(placed.map((p) => p.node))) {
    const node = free.get(nodeName);
    if (node === undefined) continue;
    const demand = group.tasks.filter((t) => nodeOf.get(t.key) === nodeName);
    const need = { cpu: 0, memoryBytes: 0, gpu: 0 };
    for (const t of demand) {
      need.cpu += t.cpu;
      need.memoryBytes += t.memoryBytes;
      need.gpu += t.gpu;
    }
    const have = { cpu: node.cpu, memoryBytes: node.memoryBytes, gpu: node.freeGpus.length };
    const here = reclaimableByNode.get(nodeName) ?? [];
    const pool = [
      ...here.filter((r) => r.stopping === true),
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
