// Moves a workflow's groups along the DAG: ready groups join the queue, failures cascade, timeouts fire.
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

export async function advanceWorkflow(ctx: EngineContext, workflow: Workflow): Promise<void> {
  const groups = await ctx.store.groups.listByWorkflow(workflow.workflowUuid);
  const byName = new Map(groups.map((g) => [g.name, g]));
  const now = ctx.now();
  let changed = false;
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
        await enqueueGroup(ctx, workflow, group);
      }
      continue;
    }
    const queueLimit = workflow.queueTimeoutSeconds;
    if (group.status === 'SCHEDULING' && queueLimit && group.schedulingStartTime) {
      if (now.getTime() - group.schedulingStartTime.getTime() >= queueLimit * 1000) {
        changed = true;
        const message = `Task stayed in queue longer than the set limit of ${durationText(queueLimit)}.`;
        await timeoutGroup(ctx, workflow, group, 'FAILED_QUEUE_TIMEOUT', message);
      }
    }
    const execLimit = workflow.execTimeoutSeconds;
    if (group.status === 'RUNNING' && execLimit && group.startTime) {
      if (now.getTime() - group.startTime.getTime() >= execLimit * 1000) {
        changed = true;
        const message = `Task ran longer than the set limit of ${durationText(execLimit)}.`;
        await timeoutGroup(ctx, workflow, group, 'FAILED_EXEC_TIMEOUT', message);
      }
    }
  }
  // Status reports refresh the workflow themselves; a quiet beat costs one query per workflow.
  if (changed || groups.length === 0) await refreshWorkflow(ctx, workflow);
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
