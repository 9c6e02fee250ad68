// Pure dispatch decisions: which queued groups start now and where, all tasks of a group at once or none.
import type { Priority } from '../core/index.js';

export interface NodeCapacity {
  readonly name: string;
  readonly cpu: number;
  readonly memoryBytes: number;
  readonly gpu: number;
}

export interface ResourceRequest {
  readonly cpu: number;
  readonly memoryBytes: number;
  readonly gpu: number;
}

export interface RunningAttempt extends ResourceRequest {
  readonly node: string;
  readonly gpuIndices: readonly number[];
}

export interface QueuedTask extends ResourceRequest {
  readonly key: string;
}

export interface QueuedGroup {
  readonly key: string;
  readonly priority: Priority;
  readonly submitTime: Date;
  readonly tasks: readonly QueuedTask[];
}

export interface TaskPlacement {
  readonly key: string;
  readonly node: string;
  readonly gpuIndices: readonly number[];
}

export interface DispatchPlan {
  readonly launch: readonly { readonly groupKey: string; readonly tasks: readonly TaskPlacement[] }[];
  readonly waiting: readonly { readonly groupKey: string; readonly reason: string }[];
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

interface FreeNode {
  readonly name: string;
  cpu: number;
  memoryBytes: number;
  freeGpus: number[];
}

/**
 * Places queued groups on the nodes' free capacity. A group starts only when every one of its tasks
 * fits (gang admission); a group that does not fit is passed over so smaller work behind it can run.
 */
export function planDispatch(
  queue: readonly QueuedGroup[],
  nodes: readonly NodeCapacity[],
  running: readonly RunningAttempt[],
): DispatchPlan {
  const free = freeCapacity(nodes, running);
  const launch: { groupKey: string; tasks: TaskPlacement[] }[] = [];
  const waiting: { groupKey: string; reason: string }[] = [];
  for (const group of [...queue].sort(queueOrder)) {
    const trial = free.map((n) => ({ ...n, freeGpus: [...n.freeGpus] }));
    const placements: TaskPlacement[] = [];
    for (const task of group.tasks) {
      const node = trial.find(
        (n) => n.cpu >= task.cpu && n.memoryBytes >= task.memoryBytes && n.freeGpus.length >= task.gpu,
      );
      if (node === undefined) break;
      node.cpu -= task.cpu;
      node.memoryBytes -= task.memoryBytes;
      placements.push({ key: task.key, node: node.name, gpuIndices: node.freeGpus.splice(0, task.gpu) });
    }
    if (placements.length === group.tasks.length) {
      launch.push({ groupKey: group.key, tasks: placements });
      free.splice(0, free.length, ...trial);
    } else {
      waiting.push({ groupKey: group.key, reason: waitReason(group, nodes, free) });
    }
  }
  return { launch, waiting };
}

function freeCapacity(nodes: readonly NodeCapacity[], running: readonly RunningAttempt[]): FreeNode[] {
  return nodes.map((node) => {
    const here = running.filter((r) => r.node === node.name);
    const usedGpus = new Set(here.flatMap((r) => r.gpuIndices));
    return {
      name: node.name,
      cpu: node.cpu - here.reduce((s, r) => s + r.cpu, 0),
      memoryBytes: node.memoryBytes - here.reduce((s, r) => s + r.memoryBytes, 0),
      freeGpus: Array.from({ length: node.gpu }, (_, i) => i).filter((i) => !usedGpus.has(i)),
    };
  });
}

/** Says in plain words why a group cannot start now. */
function waitReason(group: QueuedGroup, nodes: readonly NodeCapacity[], free: readonly FreeNode[]): string {
  const impossible = group.tasks.find((t) => !nodes.some((n) => fits(t, n.cpu, n.memoryBytes, n.gpu)));
  if (impossible !== undefined) return `task ${impossible.key} needs more than any node has`;
  const gpus = group.tasks.reduce((s, t) => s + t.gpu, 0);
  const freeGpus = free.reduce((s, n) => s + n.freeGpus.length, 0);
  if (gpus > freeGpus) return `waiting for ${gpus} free GPUs (${freeGpus} free now)`;
  return 'waiting for free CPU or memory on a node';
}

const fits = (t: ResourceRequest, cpu: number, memoryBytes: number, gpu: number): boolean =>
  t.cpu <= cpu && t.memoryBytes <= memoryBytes && t.gpu <= gpu;

/** The largest single node, for the submit-time check that every task can ever fit. */
export function taskNeverFits(task: ResourceRequest, nodes: readonly NodeCapacity[]): boolean {
  return !nodes.some((n) => fits(task, n.cpu, n.memoryBytes, n.gpu));
}
