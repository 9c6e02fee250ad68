// Free capacity per node after the running attempts, and first-fit placement of a group on it.
import type { NodeCapacity, ResourceRequest, RunningAttempt } from './snapshot.js';

export interface FreeNode {
  readonly name: string;
  cpu: number;
  memoryBytes: number;
  freeGpus: number[];
}

export function freeCapacity(nodes: readonly NodeCapacity[], running: readonly RunningAttempt[]): FreeNode[] {
  const byNode = new Map<string, RunningAttempt[]>();
  for (const r of running) pushTo(byNode, r.node, r);
  return nodes.map((node) => {
    const here = byNode.get(node.name) ?? [];
    const usedGpus = new Set(here.flatMap((r) => r.gpuIndices));
    return {
      name: node.name,
      cpu: node.cpu - here.reduce((s, r) => s + r.cpu, 0),
      memoryBytes: node.memoryBytes - here.reduce((s, r) => s + r.memoryBytes, 0),
      freeGpus: Array.from({ length: node.gpu }, (_, i) => i).filter((i) => !usedGpus.has(i)),
    };
  });
}

/** Free nodes by name; an overlay may answer some names with widened copies. */
export interface NodeLookup {
  get(name: string): FreeNode | undefined;
}

export const fitsOn = (t: ResourceRequest, n: FreeNode): boolean =>
  t.cpu <= n.cpu && t.memoryBytes <= n.memoryBytes && t.gpu <= n.freeGpus.length;

export const cloneFree = (free: readonly FreeNode[]): FreeNode[] =>
  free.map((n) => ({ ...n, freeGpus: [...n.freeGpus] }));

export interface Placement {
  readonly key: string;
  readonly node: string;
  readonly gpuIndices: readonly number[];
}

/**
 * Places every task on the first node of its own candidate list that still fits, taking from the
 * nodes in place; when one task finds no node, or when `probe` is set, every change is undone.
 */
export function placeAll(
  tasks: readonly (ResourceRequest & { readonly key: string })[],
  candidates: readonly (readonly string[])[],
  byName: NodeLookup,
  probe = false,
): Placement[] | null {
  const placements: Placement[] = [];
  const undo: (() => void)[] = [];
  let failed = false;
  for (const [i, task] of tasks.entries()) {
    let chosen: FreeNode | undefined;
    for (const name of candidates[i] ?? []) {
      const n = byName.get(name);
      if (n !== undefined && fitsOn(task, n)) {
        chosen = n;
        break;
      }
    }
    if (chosen === undefined) {
      failed = true;
      break;
    }
    const node = chosen;
    node.cpu -= task.cpu;
    node.memoryBytes -= task.memoryBytes;
    const gpus = node.freeGpus.splice(0, task.gpu);
    undo.push(() => {
      node.cpu += task.cpu;
      node.memoryBytes += task.memoryBytes;
      node.freeGpus.unshift(...gpus);
    });
    placements.push({ key: task.key, node: node.name, gpuIndices: gpus });
  }
  if (failed || probe) for (const step of undo.reverse()) step();
  return failed ? null : placements;
}

export const byNodeName = (free: readonly FreeNode[]): Map<string, FreeNode> =>
  new Map(free.map((n) => [n.name, n]));

/** Appends to the list under `key`, in place: copying it on every append would cost the square. */
export function pushTo<K, V>(lists: Map<K, V[]>, key: K, value: V): void {
  const list = lists.get(key);
  if (list === undefined) lists.set(key, [value]);
  else list.push(value);
}
