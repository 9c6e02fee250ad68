// Status counts per workflow, held in memory between reports: how many tasks of each group are in
// each status and how many groups are in each status, so a report re-derives its group and workflow
// from counts instead of listing every task. Built from the store when a workflow is first looked at
// (or after it was evicted, or after a failed step dropped it), then moved by every successful
// guarded write. The store stays the truth; a tally is only ever a copy that can be rebuilt.
import type { GroupStatus, TaskStatus, WorkflowStatus } from '../core/index.js';
import { isGroupFinished, isWorkflowFinished } from '../core/index.js';
import type { TaskStatusCounts } from '../spec/index.js';
import type { Group, Task, Workflow } from '../store/index.js';
import type { EngineContext, SchedulingState } from './context.js';
import { indexedSpecOf } from './spec-cache.js';

export interface GroupTally extends TaskStatusCounts {
  readonly uuid: string;
  readonly name: string;
  status: GroupStatus;
  readonly lead: Map<TaskStatus, number>;
  readonly other: Map<TaskStatus, number>;
}

export interface WorkflowTally {
  readonly workflowUuid: string;
  status: WorkflowStatus;
  readonly groups: ReadonlyMap<string, GroupTally>;
  readonly groupCounts: Map<GroupStatus, number>;
  /** WAITING groups to look at: every one at first, then the downstream of each group that ended. */
  readonly ready: Set<string>;
  /** SCHEDULING groups with when they entered it (ms), oldest first: the next queue timeout is the first. */
  readonly scheduling: Map<string, number>;
  /** RUNNING groups with when they started (ms), oldest first: the next exec timeout is the first. */
  readonly running: Map<string, number>;
}

/** Bounded by groups held; the least recently used workflow goes first and is rebuilt when next needed. */
const MAX_TALLIED_GROUPS = 400_000;
const MAX_TALLIED_WORKFLOWS = 20_000;

interface Tallies {
  readonly byWorkflow: Map<string, WorkflowTally>;
  groups: number;
}

// Keyed by the scheduling state, the one object every copy of an engine's context shares (a
// transaction's copy replaces only the store).
const registry = new WeakMap<SchedulingState, Tallies>();

function talliesOf(ctx: EngineContext): Tallies {
  let tallies = registry.get(ctx.scheduling);
  if (tallies === undefined) {
    tallies = { byWorkflow: new Map(), groups: 0 };
    registry.set(ctx.scheduling, tallies);
  }
  return tallies;
}

/** The workflow's tally, read from the store when not held. */
export async function tallyOf(ctx: EngineContext, workflow: Workflow): Promise<WorkflowTally> {
  const tallies = talliesOf(ctx);
  const held = tallies.byWorkflow.get(workflow.workflowUuid);
  if (held !== undefined) {
    tallies.byWorkflow.delete(workflow.workflowUuid);
    tallies.byWorkflow.set(workflow.workflowUuid, held);
    return held;
  }
  const groups = await ctx.store.groups.listByWorkflow(workflow.workflowUuid);
  const tasks = groups.length > 0 ? await ctx.store.tasks.listByWorkflow(workflow.workflowUuid) : [];
  const tally = buildTally(workflow, workflow.status, groups, tasks);
  tallies.byWorkflow.set(workflow.workflowUuid, tally);
  tallies.groups += tally.groups.size;
  for (const [uuid, old] of tallies.byWorkflow) {
    const within = tallies.groups <= MAX_TALLIED_GROUPS && tallies.byWorkflow.size <= MAX_TALLIED_WORKFLOWS;
    if (within || old === tally) break;
    dropTally(ctx, uuid);
  }
  return tally;
}

function buildTally(
  workflow: Workflow,
  status: WorkflowStatus,
  groups: readonly Group[],
  tasks: readonly Task[],
): WorkflowTally {
  const byName = new Map<string, GroupTally>();
  const groupCounts = new Map<GroupStatus, number>();
  const ready = new Set<string>();
  for (const g of groups) {
    byName.set(g.name, {
      uuid: g.groupUuid,
      name: g.name,
      status: g.status,
      lead: new Map(),
      other: new Map(),
    });
    bump(groupCounts, g.status, 1);
    if (g.status === 'WAITING') ready.add(g.name);
  }
  for (const t of tasks) {
    const group = byName.get(t.groupName);
    if (group !== undefined) bump(t.lead ? group.lead : group.other, t.status, 1);
  }
  const since = (pick: (g: Group) => Date | null, status: GroupStatus): Map<string, number> =>
    new Map(
      groups
        .filter((g) => g.status === status && pick(g) !== null)
        .map((g) => [g.name, pick(g)?.getTime() ?? 0] as const)
        .sort((a, b) => a[1] - b[1]),
    );
  return {
    workflowUuid: workflow.workflowUuid,
    status,
    groups: byName,
    groupCounts,
    ready,
    scheduling: since((g) => g.schedulingStartTime, 'SCHEDULING'),
    running: since((g) => g.startTime, 'RUNNING'),
  };
}

function bump<K>(counts: Map<K, number>, key: K, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n === 0) counts.delete(key);
  else counts.set(key, n);
}

const heldTally = (ctx: EngineContext, workflowUuid: string): WorkflowTally | undefined =>
  talliesOf(ctx).byWorkflow.get(workflowUuid);

/** Forgets a workflow's tally: it ended, or a step failed part way and the store is the truth again. */
export function dropTally(ctx: EngineContext, workflowUuid: string): void {
  const tallies = talliesOf(ctx);
  const held = tallies.byWorkflow.get(workflowUuid);
  if (held === undefined) return;
  tallies.byWorkflow.delete(workflowUuid);
  tallies.groups -= held.groups.size;
}

/** A guarded write moved this attempt (the latest retry of its task) from its status to `to`. */
export function taskMoved(ctx: EngineContext, task: Task, to: TaskStatus): void {
  const group = heldTally(ctx, task.workflowUuid)?.groups.get(task.groupName);
  if (group === undefined) return;
  const counts = task.lead ? group.lead : group.other;
  bump(counts, task.status, -1);
  bump(counts, to, 1);
}

/** A new retry replaced `previous` as its task's latest attempt. */
export function retryAdded(
  ctx: EngineContext,
  previous: Task,
  previousStatus: TaskStatus,
  retry: Task,
): void {
  taskMoved(ctx, { ...previous, status: previousStatus }, retry.status);
}

/** A guarded write moved a group to `to` at `at`. */
export function groupMoved(
  ctx: EngineContext,
  workflow: Workflow,
  groupName: string,
  to: GroupStatus,
  at: Date,
): void {
  const tally = heldTally(ctx, workflow.workflowUuid);
  const group = tally?.groups.get(groupName);
  if (tally === undefined || group === undefined) return;
  bump(tally.groupCounts, group.status, -1);
  bump(tally.groupCounts, to, 1);
  group.status = to;
  if (to !== 'SCHEDULING') tally.scheduling.delete(groupName);
  if (to !== 'RUNNING') tally.running.delete(groupName);
  if (to === 'SCHEDULING' && !tally.scheduling.has(groupName)) tally.scheduling.set(groupName, at.getTime());
  if (to === 'RUNNING' && !tally.running.has(groupName)) tally.running.set(groupName, at.getTime());
  if (isGroupFinished(to)) {
    for (const name of indexedSpecOf(workflow).downstream.get(groupName) ?? []) tally.ready.add(name);
  }
}

/** A guarded write moved the workflow to `to`; an ended workflow's tally is let go. */
export function workflowMoved(ctx: EngineContext, workflowUuid: string, to: WorkflowStatus): void {
  const tally = heldTally(ctx, workflowUuid);
  if (tally === undefined) return;
  tally.status = to;
  if (isWorkflowFinished(to)) dropTally(ctx, workflowUuid);
}
