// Guarded status writes driven by the spec engine's status machines; a stale writer changes nothing.
import type { GroupStatus, TaskStatus, WorkflowStatus } from '../core/index.js';
import { isCancelClass, isGroupFinished, isTaskFinished, isWorkflowFinished } from '../core/index.js';
import type { GroupSpec, WorkflowSpec } from '../spec/index.js';
import {
  aggregateGroupStatus,
  aggregateWorkflowStatus,
  groupTransitionSources,
  taskTransitionSources,
} from '../spec/index.js';
import type { Group, Task, Workflow } from '../store/index.js';
import type { AttemptRef } from '../backends/index.js';
import type { EngineContext } from './context.js';
import { eventLine } from './event-line.js';

const ALIVE_WORKFLOW: readonly WorkflowStatus[] = ['PENDING', 'RUNNING', 'WAITING'];
const LAUNCHED: ReadonlySet<TaskStatus> = new Set(['SCHEDULING', 'INITIALIZING', 'RUNNING']);

export async function setTaskStatus(
  ctx: EngineContext,
  task: Task,
  to: TaskStatus,
  fields: { exitCode?: number | null; message?: string | null; at: Date },
): Promise<boolean> {
  const finished = isTaskFinished(to);
  return ctx.store.tasks.setStatus(task.taskDbKey, to, taskTransitionSources(to), {
    ...(to === 'SCHEDULING' ? { schedulingStartTime: fields.at } : {}),
    ...(to === 'INITIALIZING' ? { initializingStartTime: fields.at } : {}),
    ...(to === 'RUNNING' ? { startTime: fields.at } : {}),
    ...(finished ? { endTime: fields.at } : {}),
    ...(fields.exitCode === undefined ? {} : { exitCode: fields.exitCode }),
    ...(fields.message === undefined ? {} : { failureMessage: fields.message }),
  });
}

export async function setGroupStatus(
  ctx: EngineContext,
  group: Group,
  to: GroupStatus,
  at: Date,
  message: string | null = null,
): Promise<boolean> {
  return ctx.store.groups.setStatus(group.groupUuid, to, groupTransitionSources(to, isCancelClass(to)), {
    ...(to === 'PROCESSING' ? { processingStartTime: at } : {}),
    ...(to === 'SCHEDULING' ? { schedulingStartTime: at } : {}),
    ...(to === 'INITIALIZING' ? { initializingStartTime: at } : {}),
    ...(to === 'RUNNING' ? { startTime: at } : {}),
    ...(isGroupFinished(to) ? { endTime: at } : {}),
    ...(message === null ? {} : { failureMessage: message }),
  });
}

export const groupSpecOf = (workflow: Workflow, groupName: string): GroupSpec | undefined =>
  (workflow.specJson as WorkflowSpec).groups.find((g) => g.name === groupName);

export function refOf(
  workflow: Workflow,
  group: Pick<Group, 'name' | 'groupUuid'>,
  task: Pick<Task, 'name' | 'taskUuid' | 'retryId'>,
): AttemptRef {
  return {
    workflowId: workflow.workflowId,
    workflowUuid: workflow.workflowUuid,
    groupName: group.name,
    groupUuid: group.groupUuid,
    taskName: task.name,
    taskUuid: task.taskUuid,
    retryId: task.retryId,
  };
}

/**
 * Finishes every unfinished task of a group with one status (cancel, timeouts, upstream failure, the
 * lead rule) and stops the attempts that were launched; the group then takes the aggregated status.
 */
export async function finishGroupTasks(
  ctx: EngineContext,
  workflow: Workflow,
  group: Group,
  status: TaskStatus,
  message: string,
  exitCode: number | null,
  except: string | null = null,
): Promise<void> {
  const at = ctx.now();
  const tasks = (await ctx.store.tasks.listByWorkflow(workflow.workflowUuid)).filter(
    (t) => t.groupName === group.name && t.name !== except && !isTaskFinished(t.status),
  );
  for (const task of tasks) {
    const wasLaunched = LAUNCHED.has(task.status) && task.nodeName !== null;
    if (!(await setTaskStatus(ctx, task, status, { exitCode, message, at }))) continue;
    await ctx.store.events.append({
      workflowUuid: workflow.workflowUuid,
      time: at,
      taskName: task.name,
      retryId: task.retryId,
      text: eventLine(at, task.name, task.retryId, status, message),
    });
    if (wasLaunched) await stopAttempt(ctx, refOf(workflow, group, task), status, message);
  }
}

/**
 * Asks the backend to stop an attempt whose end is written already. A backend that fails to is
 * logged with the attempt, and never keeps the group's other attempts from being finished and stopped.
 */
export async function stopAttempt(
  ctx: EngineContext,
  ref: AttemptRef,
  status: TaskStatus,
  message: string,
): Promise<void> {
  try {
    await ctx.backend.stop(ref, status, message);
  } catch (err) {
    const { workflowId, taskName, retryId } = ref;
    ctx.log.error({ err, workflowId, task: taskName, retryId }, 'stopping an attempt failed');
  }
}

/** Recomputes a group's status from its tasks (statuses at or past INITIALIZING only). */
export async function refreshGroup(
  ctx: EngineContext,
  workflow: Workflow,
  group: Group,
): Promise<GroupStatus> {
  const spec = groupSpecOf(workflow, group.name);
  const tasks = (await ctx.store.tasks.listByWorkflow(workflow.workflowUuid)).filter(
    (t) => t.groupName === group.name,
  );
  const derived = aggregateGroupStatus(
    tasks.map((t) => ({ name: t.name, status: t.status, lead: t.lead })),
    spec?.ignoreNonleadStatus ?? false,
  );
  const current = (await ctx.store.groups.get(group.groupUuid))?.status ?? group.status;
  if (derived === current || isGroupFinished(current)) return current;
  const message = isGroupFinished(derived)
    ? (tasks.find((t) => t.failureMessage)?.failureMessage ?? null)
    : null;
  return (await setGroupStatus(ctx, group, derived, ctx.now(), message)) ? derived : current;
}

/** Recomputes the workflow status from its groups; PENDING is never written back (§14.4). */
export async function refreshWorkflow(ctx: EngineContext, workflow: Workflow): Promise<WorkflowStatus> {
  const groups = await ctx.store.groups.listByWorkflow(workflow.workflowUuid);
  const derived = aggregateWorkflowStatus(groups.map((g) => g.status));
  const current = (await ctx.store.workflows.get(workflow.workflowUuid))?.status ?? workflow.status;
  if (derived === 'PENDING' || derived === current || isWorkflowFinished(current)) return current;
  const failed = groups.find((g) => g.failureMessage !== null && g.status !== 'COMPLETED');
  const changed = await ctx.store.workflows.setStatus(workflow.workflowUuid, derived, ALIVE_WORKFLOW, {
    at: ctx.now(),
    ...(isWorkflowFinished(derived) && failed ? { failureMessage: failed.failureMessage } : {}),
  });
  if (changed && isWorkflowFinished(derived)) {
    ctx.log.info({ workflowId: workflow.workflowId, status: derived }, 'workflow finished');
  }
  return changed ? derived : current;
}
