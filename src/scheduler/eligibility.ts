// Which nodes a pool, platform and task may use, and which pools share nodes (node sets).
import type { NodeCapacity, PlatformShape, PoolShape, QueuedTask } from './snapshot.js';

/** A node matches a platform when every selector label is on the node with the same value. */
export function nodeMatchesPlatform(node: NodeCapacity, platform: PlatformShape): boolean {
  const labels = node.labels ?? {};
  return Object.entries(platform.labels).every(([k, v]) => labels[k] === v);
}

const onBackend = (node: NodeCapacity, pool: PoolShape): boolean =>
  pool.backend === '' || node.backend === undefined || node.backend === pool.backend;

/** The nodes of a pool: those of its backend matching any of its platforms (all of them without platforms). */
export function poolNodes(pool: PoolShape, nodes: readonly NodeCapacity[]): NodeCapacity[] {
  return nodes.filter(
    (n) =>
      onBackend(n, pool) &&
      (pool.platforms.length === 0 || pool.platforms.some((p) => nodeMatchesPlatform(n, p))),
  );
}

/** The nodes one task may run on: its pool, its platform, minus the nodes it excludes. */
export function taskNodes(
  pool: PoolShape,
  task: Pick<QueuedTask, 'platform' | 'nodesExcluded'>,
  nodes: readonly NodeCapacity[],
): NodeCapacity[] {
  const platform =
    task.platform === null || task.platform === undefined
      ? undefined
      : pool.platforms.find((p) => p.name === task.platform);
  if (task.platform && platform === undefined) return [];
  const excluded = new Set(task.nodesExcluded ?? []);
  return nodes.filter(
    (n) =>
      onBackend(n, pool) &&
      !excluded.has(n.name) &&
      (platform === undefined
        ? pool.platforms.length === 0 || pool.platforms.some((p) => nodeMatchesPlatform(n, p))
        : nodeMatchesPlatform(n, platform)),
  );
}

export interface NodeSet {
  readonly pools: readonly string[];
  readonly nodes: readonly string[];
}

/**
 * Pools that share a node, transitively, form one node set (connected components). Pools without
 * nodes on the same backend are grouped into one empty set, as upstream does.
 */
export function nodeSets(pools: readonly PoolShape[], nodes: readonly NodeCapacity[]): NodeSet[] {
  const parent = new Map<string, string>(pools.map((p) => [p.name, p.name]));
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    parent.set(x, root);
    return root;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  const owner = new Map<string, string>();
  const members = new Map<string, string[]>();
  for (const pool of pools) {
    const names = poolNodes(pool, nodes).map((n) => n.name);
    members.set(pool.name, names);
    for (const n of names) {
      const first = owner.get(n);
      if (first === undefined) owner.set(n, pool.name);
      else union(first, pool.name);
    }
  }
  const emptyByBackend = new Map<string, string>();
  for (const pool of pools) {
    if ((members.get(pool.name) ?? []).length > 0) continue;
    const first = emptyByBackend.get(pool.backend);
    if (first === undefined) emptyByBackend.set(pool.backend, pool.name);
    else union(first, pool.name);
  }
  const sets = new Map<string, { pools: string[]; nodes: Set<string> }>();
  for (const pool of pools) {
    const root = find(pool.name);
    const set = sets.get(root) ?? { pools: [], nodes: new Set<string>() };
    set.pools.push(pool.name);
    for (const n of members.get(pool.name) ?? []) set.nodes.add(n);
    sets.set(root, set);
  }
  return [...sets.values()].map((s) => ({ pools: s.pools, nodes: [...s.nodes] }));
}
