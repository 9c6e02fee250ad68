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
  for (const r of running) byNode.set(r.node, [...(byNode.get(r.node) ?? []), r]);
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
 * Places every task on the first node of its own candidate list that still fits, taking from `free`
 * in place; returns null (leaving `free` partly used) when one task finds no node.
 */
export function placeAll(
  tasks: readonly (ResourceRequest & { readonly key: string })[],
  candidates: readonly (readonly string[])[],
  free: FreeNode[],
): Placement[] | null {
  const byName = new Map(free.map((n) => [n.name, n]));
  const placements: Placement[] = [];
  for (const [i, task] of tasks.entries()) {
    const names = candidates[i] ?? [];
    let chosen: FreeNode | undefined;
    for (const name of names) {
      const n = byName.get(name);
      if (n !== undefined && fitsOn(task, n)) {
        chosen = n;
        break;
      }
    }
    if (chosen === undefined) return null;
    chosen.cpu -= task.cpu;
    chosen.memoryBytes -= task.memoryBytes;
    placements.push({ key: task.key, node: chosen.name, gpuIndices: chosen.freeGpus.splice(0, task.gpu) });
  }
  return placements;
}
