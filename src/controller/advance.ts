// Moves a workflow's groups along the DAG: ready groups join the queue, failures cascade, timeouts fire.
import type { WorkflowStatus } from '../core/index.js';
import { isFailed, isGroupFinished, isTaskFinished } from '../core/index.js';
import { EXIT_CODES, PLATFORM_MESSAGES } from '../spec/index.js';
import type { Group, Workflow } from '../store/index.js';
import type { EngineContext } from './context.js';
import {
  finishGroupTasks,
  groupSpecOf,
  refreshWorkflow,
  setGroupStatus,
  setTaskStatus,
} from './status-writes.js';

/** Seconds as the reference prints limits in timeout messages (a single unit, e.g. `30s`). */
const durationText = (seconds: number): string => `${seconds}s`;

export interface AdvanceResult {
  readonly status: WorkflowStatus;
  /** Something moved: another pass may move more (a failure cascading down the DAG). */
  readonly changed: boolean;
  /** A group joined the queue. */
  readonly enqueued: boolean;
  /** When the earliest queue or exec timeout of its groups falls due (ms since the epoch), if any. */
  readonly nextDeadlineMs: number | null;
}

export async function advanceWorkflow(ctx: EngineContext, workflow: Workflow): Promise<AdvanceResult> {
  const groups = await ctx.store.groups.listByWorkflow(workflow.workflowUuid);
  const byName = new Map(groups.map((g) => [g.name, g]));
  const now = ctx.now();
  let changed = false;
  let enqueued = false;
  let nextDeadlineMs: number | null = null;
  const dueAt = (start: Date, limitSeconds: number): number => {
    const at = start.getTime() + limitSeconds * 1000;
    nextDeadlineMs = Math.min(nextDeadlineMs ?? at, at);
    return at;
  };
  for (const group of groups) {
    if (group.status === 'WAITING') {
      const upstream = (groupSpecOf(workflow, group.name)?.upstreamGroups ?? []).map((n) => byName.get(n));
      if (upstream.some((g) => g !== undefined && isFailed(g.status))) {
        changed = true;
        await finishGroupTasks(
          ctx,
          workflow,
          group,
          'FAILED_UPSTREAM',
          PLATFORM_MESSAGES.UPSTREAM_FAILED,
          EXIT_CODES.UPSTREAM,
        );
        await setGroupStatus(ctx, group, 'FAILED_UPSTREAM', now, PLATFORM_MESSAGES.UPSTREAM_FAILED);
      } else if (upstream.every((g) => g !== undefined && g.status === 'COMPLETED')) {
        changed = true;
        enqueued = true;
        await enqueueGroup(ctx, workflow, group);
      }
      continue;
    }
    const queueLimit = workflow.queueTimeoutSeconds;
    if (group.status === 'SCHEDULING' && queueLimit && group.schedulingStartTime) {
      if (now.getTime() >= dueAt(group.schedulingStartTime, queueLimit)) {
        changed = true;
        const message = `Task stayed in queue longer than the set limit of ${durationText(queueLimit)}.`;
        await timeoutGroup(ctx, workflow, group, 'FAILED_QUEUE_TIMEOUT', message);
      }
    }
    const execLimit = workflow.execTimeoutSeconds;
    if (group.status === 'RUNNING' && execLimit && group.startTime) {
      if (now.getTime() >= dueAt(group.startTime, execLimit)) {
        changed = true;
        const message = `Task ran longer than the set limit of ${durationText(execLimit)}.`;
        await timeoutGroup(ctx, workflow, group, 'FAILED_EXEC_TIMEOUT', message);
      }
    }
  }
  // Status reports refresh the workflow themselves; a quiet pass costs one query.
  const status = changed || groups.length === 0 ? await refreshWorkflow(ctx, workflow) : workflow.status;
  return { status, changed, enqueued, nextDeadlineMs };
}

/** WAITING → PROCESSING → SCHEDULING: the group now waits only for capacity; its queue clock starts. */
async function enqueueGroup(ctx: EngineContext, workflow: Workflow, group: Group): Promise<void> {
  const at = ctx.now();
  await setGroupStatus(ctx, group, 'PROCESSING', at);
  const tasks = (await ctx.store.tasks.listByWorkflow(workflow.workflowUuid)).filter(
    (t) => t.groupName === group.name && !isTaskFinished(t.status),
  );
  for (const task of tasks) await setTaskStatus(ctx, task, 'SCHEDULING', { at });
  await setGroupStatus(ctx, group, 'SCHEDULING', at);
}

async function timeoutGroup(
  ctx: EngineContext,
  workflow: Workflow,
  group: Group,
  status: 'FAILED_QUEUE_TIMEOUT' | 'FAILED_EXEC_TIMEOUT',
  message: string,
): Promise<void> {
  if (isGroupFinished(group.status)) return;
  await finishGroupTasks(ctx, workflow, group, status, message, null);
  await setGroupStatus(ctx, group, status, ctx.now(), message);
}
