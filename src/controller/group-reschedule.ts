// A rescheduled task takes its group with it: every unfinished sibling gets a new retry too, so peers
// that find each other by {{host:task}} start again together ("restart in place", as upstream does).
import { isTaskFinished } from '../core/index.js';
import type { TaskStatus } from '../core/index.js';
import type { Task, Workflow } from '../store/index.js';
import type { EngineContext } from './context.js';
import { eventLine } from './event-line.js';
import { retryAdded } from './status-tally.js';
import { workflowChanged } from './workflow-changes.js';
import type { GroupRef, PendingStop } from './status-writes.js';
import { groupTasks, refOf, setTaskStatus } from './status-writes.js';

const LAUNCHED: ReadonlySet<TaskStatus> = new Set(['SCHEDULING', 'INITIALIZING', 'RUNNING']);

/** The unfinished tasks of a group other than `except`: the ones a group reschedule restarts. */
export async function unfinishedSiblings(
  ctx: EngineContext,
  workflow: Workflow,
  groupName: string,
  except: string,
): Promise<Task[]> {
  return (await groupTasks(ctx, workflow, groupName)).filter(
    (t) => t.name !== except && !isTaskFinished(t.status),
  );
}

/** Ends `task`'s attempt as RESCHEDULED (already written for the trigger) and queues its next retry. */
export async function queueNextRetry(ctx: EngineContext, task: Task): Promise<void> {
  const retry = await ctx.store.tasks.insertRetry(task.taskDbKey, 'PROCESSING');
  retryAdded(ctx, task, 'RESCHEDULED', retry);
  workflowChanged(ctx, task.workflowUuid);
  await setTaskStatus(ctx, retry, 'SCHEDULING', { at: ctx.now() });
  ctx.scheduling.queued = true;
}

/**
 * Reschedules each sibling with the trigger: its attempt ends RESCHEDULED and a new retry is queued,
 * so the dispatcher places the group's new retries together. Returns the launched attempts to stop.
 */
export async function rescheduleSiblings(
  ctx: EngineContext,
  workflow: Workflow,
  group: GroupRef,
  siblings: readonly Task[],
  trigger: string,
): Promise<PendingStop[]> {
  const at = ctx.now();
  const message = `Rescheduled with its group: task ${trigger} was rescheduled.`;
  const stops: PendingStop[] = [];
  for (const task of siblings) {
    const wasLaunched = LAUNCHED.has(task.status) && task.nodeName !== null;
    if (!(await setTaskStatus(ctx, task, 'RESCHEDULED', { message, at }))) continue;
    await ctx.store.events.append({
      workflowUuid: workflow.workflowUuid,
      time: at,
      taskName: task.name,
      retryId: task.retryId,
      text: eventLine(at, task.name, task.retryId, 'RESCHEDULED', message),
    });
    if (wasLaunched) stops.push({ ref: refOf(workflow, group, task), status: 'RESCHEDULED', message });
    await queueNextRetry(ctx, task);
  }
  return stops;
}
