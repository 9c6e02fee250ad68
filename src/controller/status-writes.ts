// Guarded status writes driven by the spec engine's status machines; a stale writer changes nothing.
// Each write that lands also moves the workflow's tally, from which groups and workflows are re-derived.
import type { AttemptRef, GroupStatus, TaskStatus, WorkflowStatus } from '../core/index.js';
import { isCancelClass, isGroupFinished, isTaskFinished, isWorkflowFinished } from '../core/index.js';
import {
  aggregateGroupStatusFromCounts,
  aggregateWorkflowStatusFromCounts,
  groupTransitionSources,
  taskTransitionSources,
} from '../spec/index.js';
import type { Group, Task, Workflow } from '../store/index.js';
import { backendOfAttempt } from './attempt-backend.js';
import type { EngineContext } from './context.js';
import { eventLine } from './event-line.js';
import { groupSpecOf } from './spec-cache.js';
import { dropTally, groupMoved, tallyOf, taskMoved, workflowMoved } from './status-tally.js';
import { workflowChanged } from './workflow-changes.js';

const ALIVE_WORKFLOW: readonly WorkflowStatus[] = ['PENDING', 'RUNNING', 'WAITING'];
const LAUNCHED: ReadonlySet<TaskStatus> = new Set(['SCHEDULING', 'INITIALIZING', 'RUNNING']);

/** What a status write needs of a group. */
export type GroupRef = Pick<Group, 'groupUuid' | 'name'>;

export async function setTaskStatus(
  ctx: EngineContext,
  task: Task,
  to: TaskStatus,
  fields: { exitCode?: number | null; message?: string | null; at: Date },
): Promise<boolean> {
  const finished = isTaskFinished(to);
  const changed = await ctx.store.tasks.setStatus(task.taskDbKey, to, taskTransitionSources(to), {
    ...(to === 'SCHEDULING' ? { schedulingStartTime: fields.at } : {}),
    ...(to === 'INITIALIZING' ? { initializingStartTime: fields.at } : {}),
    ...(to === 'RUNNING' ? { startTime: fields.at } : {}),
    ...(finished ? { endTime: fields.at } : {}),
    ...(fields.exitCode === undefined ? {} : { exitCode: fields.exitCode }),
    ...(fields.message === undefined ? {} : { failureMessage: fields.message }),
  });
  if (changed) {
    taskMoved(ctx, task, to);
    workflowChanged(ctx, task.workflowUuid);
  }
  // The attempt's `osmo` credential ends with it, whoever ended it (its command, a cancel, a timeout).
  if (changed && finished) await ctx.taskCli?.close(ctx.store, task);
  return changed;
}

export async function setGroupStatus(
  ctx: EngineContext,
  workflow: Workflow,
  group: GroupRef,
  to: GroupStatus,
  at: Date,
  message: string | null = null,
): Promise<boolean> {
  const changed = await ctx.store.groups.setStatus(
    group.groupUuid,
    to,
    groupTransitionSources(to, isCancelClass(to)),
    {
      ...(to === 'PROCESSING' ? { processingStartTime: at } : {}),
      ...(to === 'SCHEDULING' ? { schedulingStartTime: at } : {}),
      ...(to === 'INITIALIZING' ? { initializingStartTime: at } : {}),
      ...(to === 'RUNNING' ? { startTime: at } : {}),
      ...(isGroupFinished(to) ? { endTime: at } : {}),
      ...(message === null ? {} : { failureMessage: message }),
    },
  );
  if (changed) {
    groupMoved(ctx, workflow, group.name, to, at);
    workflowChanged(ctx, workflow.workflowUuid);
  }
  return changed;
}

export function refOf(
  workflow: Workflow,
  group: GroupRef,
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

/** The latest retry of each task of a group, read by name: the cost is the group's, not the workflow's. */
export async function groupTasks(ctx: EngineContext, workflow: Workflow, groupName: string): Promise<Task[]> {
  const names = (groupSpecOf(workflow, groupName)?.tasks ?? []).map((t) => t.name);
  return ctx.store.tasks.listLatestByNames(workflow.workflowUuid, names);
}

/** An attempt whose end is written and that the backend must now stop. */
export interface PendingStop {
  readonly ref: AttemptRef;
  readonly status: TaskStatus;
  readonly message: string;
}

/**
 * Finishes every unfinished task of a group with one status (cancel, timeouts, upstream failure, the
 * lead rule). The attempts that were launched are returned, to be stopped once the writes are in.
 */
export async function finishGroupTasks(
  ctx: EngineContext,
  workflow: Workflow,
  group: GroupRef,
  status: TaskStatus,
  message: string,
  exitCode: number | null,
  except: string | null = null,
): Promise<PendingStop[]> {
  const at = ctx.now();
  const tasks = (await groupTasks(ctx, workflow, group.name)).filter(
    (t) => t.name !== except && !isTaskFinished(t.status),
  );
  const stops: PendingStop[] = [];
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
    if (wasLaunched) stops.push({ ref: refOf(workflow, group, task), status, message });
  }
  return stops;
}

/** Stops attempts whose end is written; one backend failure never keeps the others from stopping. */
export async function stopAttempts(ctx: EngineContext, stops: readonly PendingStop[]): Promise<void> {
  for (const stop of stops) await stopAttempt(ctx, stop.ref, stop.status, stop.message);
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
    const backend = await backendOfAttempt(ctx, ref);
    // Its end is written already; a backend removed since has nothing left to stop here.
    if (backend === null) {
      ctx.log.warn(
        { workflowId: ref.workflowId, task: ref.taskName },
        'no running backend to stop the attempt',
      );
      return;
    }
    await backend.stop(ref, status, message);
  } catch (err) {
    const { workflowId, taskName, retryId } = ref;
    ctx.log.error({ err, workflowId, task: taskName, retryId }, 'stopping an attempt failed');
  }
}

/** Recomputes a group's status from its tasks' counts (statuses at or past INITIALIZING only). */
export async function refreshGroup(
  ctx: EngineContext,
  workflow: Workflow,
  group: GroupRef,
): Promise<GroupStatus> {
  const tally = (await tallyOf(ctx, workflow)).groups.get(group.name);
  if (tally === undefined) return (await ctx.store.groups.get(group.groupUuid))?.status ?? 'WAITING';
  const derived = aggregateGroupStatusFromCounts(
    tally,
    groupSpecOf(workflow, group.name)?.ignoreNonleadStatus ?? false,
  );
  const current = tally.status;
  if (derived === current || isGroupFinished(current)) return current;
  // The first failure among its tasks, by name, explains an ended group; read once, when it ends.
  const message = isGroupFinished(derived)
    ? ((await groupTasks(ctx, workflow, group.name)).find((t) => t.failureMessage)?.failureMessage ?? null)
    : null;
  return (await setGroupStatus(ctx, workflow, group, derived, ctx.now(), message)) ? derived : current;
}

/** Recomputes the workflow status from its groups' counts; PENDING is never written back. */
export async function refreshWorkflow(ctx: EngineContext, workflow: Workflow): Promise<WorkflowStatus> {
  const tally = await tallyOf(ctx, workflow);
  const derived = aggregateWorkflowStatusFromCounts(tally.groupCounts);
  const current = tally.status;
  if (derived === 'PENDING' || derived === current || isWorkflowFinished(current)) return current;
  // Which group's failure the workflow reports is read once, when it ends.
  const failed = isWorkflowFinished(derived)
    ? (await ctx.store.groups.listByWorkflow(workflow.workflowUuid)).find(
        (g) => g.failureMessage !== null && g.status !== 'COMPLETED',
      )
    : undefined;
  const changed = await ctx.store.workflows.setStatus(workflow.workflowUuid, derived, ALIVE_WORKFLOW, {
    at: ctx.now(),
    ...(failed ? { failureMessage: failed.failureMessage } : {}),
  });
  if (changed) {
    workflowMoved(ctx, workflow.workflowUuid, derived);
    workflowChanged(ctx, workflow.workflowUuid);
  }
  // Written by someone the tally did not see: read it again from the store next time.
  else dropTally(ctx, workflow.workflowUuid);
  if (changed && isWorkflowFinished(derived)) {
    ctx.log.info({ workflowId: workflow.workflowId, status: derived }, 'workflow finished');
  }
  return changed ? derived : current;
}
