// Moves a workflow's groups along the DAG: ready groups join the queue, failures cascade, timeouts fire.
// A pass looks only at groups whose upstream moved and at the oldest queued and running groups, so
// its cost follows what changed, not the workflow's size.
import type { WorkflowStatus } from '../core/index.js';
import { EXIT_CODES, isFailed, isGroupFinished, isTaskFinished } from '../core/index.js';
import { PLATFORM_MESSAGES } from '../spec/index.js';
import type { Workflow } from '../store/index.js';
import type { EngineContext } from './context.js';
import { groupSpecOf } from './spec-cache.js';
import type { WorkflowTally } from './status-tally.js';
import { dropTally, tallyOf } from './status-tally.js';
import type { GroupRef } from './status-writes.js';
import {
  finishGroupTasks,
  groupTasks,
  refreshWorkflow,
  setGroupStatus,
  setTaskStatus,
  stopAttempts,
} from './status-writes.js';

/** Seconds as the reference prints limits in timeout messages (a single unit, e.g. `30s`). */
const durationText = (seconds: number): string => `${seconds}s`;

/** A pass over a very wide workflow yields after this long and continues on the next one. */
const PASS_BUDGET_MS = 50;

export interface AdvanceResult {
  readonly status: WorkflowStatus;
  /** Something moved, or work is left for the next pass: another pass may move more. */
  readonly changed: boolean;
  /** A group joined the queue. */
  readonly enqueued: boolean;
  /** When the earliest queue or exec timeout of its groups falls due (ms since the epoch), if any. */
  readonly nextDeadlineMs: number | null;
}

export async function advanceWorkflow(ctx: EngineContext, workflow: Workflow): Promise<AdvanceResult> {
  try {
    return await advanceTallied(ctx, workflow, await tallyOf(ctx, workflow));
  } catch (err) {
    // Part of the pass may be written and part not: the store is read again next time.
    dropTally(ctx, workflow.workflowUuid);
    throw err;
  }
}

async function advanceTallied(
  ctx: EngineContext,
  workflow: Workflow,
  tally: WorkflowTally,
): Promise<AdvanceResult> {
  const started = performance.now();
  let changed = false;
  let enqueued = false;
  const refOf = (name: string): GroupRef => ({ name, groupUuid: tally.groups.get(name)?.uuid ?? '' });
  for (const name of [...tally.ready]) {
    if (performance.now() - started >= PASS_BUDGET_MS) {
      changed = true;
      break;
    }
    tally.ready.delete(name);
    if (tally.groups.get(name)?.status !== 'WAITING') continue;
    const upstream = (groupSpecOf(workflow, name)?.upstreamGroups ?? []).map(
      (n) => tally.groups.get(n)?.status,
    );
    if (upstream.some((s) => s !== undefined && isFailed(s))) {
      changed = true;
      const stops = await finishGroupTasks(
        ctx,
        workflow,
        refOf(name),
        'FAILED_UPSTREAM',
        PLATFORM_MESSAGES.UPSTREAM_FAILED,
        EXIT_CODES.UPSTREAM,
      );
      await setGroupStatus(
        ctx,
        workflow,
        refOf(name),
        'FAILED_UPSTREAM',
        ctx.now(),
        PLATFORM_MESSAGES.UPSTREAM_FAILED,
      );
      await stopAttempts(ctx, stops);
    } else if (upstream.every((s) => s === 'COMPLETED')) {
      changed = true;
      enqueued = true;
      await enqueueGroup(ctx, workflow, refOf(name));
    }
  }
  const now = ctx.now().getTime();
  let nextDeadlineMs: number | null = null;
  const timeouts: [Map<string, number>, number | null, 'FAILED_QUEUE_TIMEOUT' | 'FAILED_EXEC_TIMEOUT'][] = [
    [tally.scheduling, workflow.queueTimeoutSeconds, 'FAILED_QUEUE_TIMEOUT'],
    [tally.running, workflow.execTimeoutSeconds, 'FAILED_EXEC_TIMEOUT'],
  ];
  for (const [since, limit, status] of timeouts) {
    if (!limit) continue;
    // Oldest first: the first group not yet due holds the next deadline.
    // Deleting the entry just visited is safe while iterating a Map.
    for (const [name, at] of since) {
      const dueAt = at + limit * 1000;
      if (now < dueAt) {
        nextDeadlineMs = Math.min(nextDeadlineMs ?? dueAt, dueAt);
        break;
      }
      changed = true;
      const message =
        status === 'FAILED_QUEUE_TIMEOUT'
          ? `Task stayed in queue longer than the set limit of ${durationText(limit)}.`
          : `Task ran longer than the set limit of ${durationText(limit)}.`;
      await timeoutGroup(ctx, workflow, tally, refOf(name), status, message);
      since.delete(name);
    }
  }
  // Status reports refresh the workflow themselves; a quiet pass costs nothing.
  const status = changed || tally.groups.size === 0 ? await refreshWorkflow(ctx, workflow) : tally.status;
  return { status, changed: changed || tally.ready.size > 0, enqueued, nextDeadlineMs };
}

/** WAITING → PROCESSING → SCHEDULING: the group now waits only for capacity; its queue clock starts. */
async function enqueueGroup(ctx: EngineContext, workflow: Workflow, group: GroupRef): Promise<void> {
  const at = ctx.now();
  await setGroupStatus(ctx, workflow, group, 'PROCESSING', at);
  const tasks = (await groupTasks(ctx, workflow, group.name)).filter((t) => !isTaskFinished(t.status));
  for (const task of tasks) await setTaskStatus(ctx, task, 'SCHEDULING', { at });
  await setGroupStatus(ctx, workflow, group, 'SCHEDULING', at);
  ctx.scheduling.queued = true;
}

async function timeoutGroup(
  ctx: EngineContext,
  workflow: Workflow,
  tally: WorkflowTally,
  group: GroupRef,
  status: 'FAILED_QUEUE_TIMEOUT' | 'FAILED_EXEC_TIMEOUT',
  message: string,
): Promise<void> {
  const current = tally.groups.get(group.name)?.status;
  if (current === undefined || isGroupFinished(current)) return;
  const stops = await finishGroupTasks(ctx, workflow, group, status, message, null);
  await setGroupStatus(ctx, workflow, group, status, ctx.now(), message);
  await stopAttempts(ctx, stops);
}
