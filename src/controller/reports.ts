// Applies what backends report: attempt statuses (exit actions, the lead rule, aggregation) and log lines.
import {
  type AttemptStatusReport,
  EXIT_CODES,
  isCancelClass,
  isGroupFinished,
  isTaskFinished,
} from '../core/index.js';
import { parseExitActions, resolveExitStatus, siblingOutcome } from '../spec/index.js';
import type { ExitActions } from '../spec/index.js';
import type { Task, Workflow } from '../store/index.js';
import type { EngineContext } from './context.js';
import { eventLine } from './event-line.js';
import { groupSpecOf, readWorkflow, taskSpecOf } from './spec-cache.js';
import { queueNextRetry, rescheduleSiblings, unfinishedSiblings } from './group-reschedule.js';
import { dropTally } from './status-tally.js';
import type { PendingStop } from './status-writes.js';
import {
  finishGroupTasks,
  refreshGroup,
  refreshWorkflow,
  setTaskStatus,
  stopAttempts,
} from './status-writes.js';
import { commitDatasetOutputs } from './dataset-io.js';

/** The attempt a report is about, or null when the workflow or retry is unknown (a stale report). */
async function findAttempt(
  ctx: EngineContext,
  report: AttemptStatusReport,
): Promise<{ workflow: Workflow; task: Task } | null> {
  const workflow = await readWorkflow(ctx, report.ref.workflowUuid);
  if (!workflow) return null;
  const task = await ctx.store.tasks.getAttempt(
    workflow.workflowUuid,
    report.ref.taskName,
    report.ref.retryId,
  );
  return task ? { workflow, task } : null;
}

/**
 * Applies a status report from a backend. Should recording an attempt's end fail, the attempt still
 * ends, FAILED_SERVER_ERROR with the reason: the backend reports an end once, so without this the
 * task would stay RUNNING for good.
 */
export async function applyBackendReport(ctx: EngineContext, report: AttemptStatusReport): Promise<boolean> {
  try {
    return await applyStatusReport(ctx, report);
  } catch (err) {
    const { workflowId, taskName, retryId } = report.ref;
    ctx.log.error(
      { err, workflowId, task: taskName, retryId, status: report.status },
      'applying a status report failed',
    );
    if (!isTaskFinished(report.status) || report.status === 'FAILED_SERVER_ERROR') return false;
    const reason = err instanceof Error ? err.message : String(err);
    return applyStatusReport(ctx, {
      ...report,
      status: 'FAILED_SERVER_ERROR',
      exitCode: EXIT_CODES.SERVER_ERROR,
      message: `The service could not record the task's end (${report.status}): ${reason}`,
    });
  }
}

/**
 * A report touches its attempt, its group and its workflow only, and writes them in one transaction;
 * attempts the lead rule ends are stopped once that is in. A failed transaction leaves the store as
 * it was, and the workflow's tally is read from it again.
 */
export async function applyStatusReport(ctx: EngineContext, report: AttemptStatusReport): Promise<boolean> {
  const found = await findAttempt(ctx, report);
  if (!found) return false;
  const { workflow, task } = found;
  if (isTaskFinished(task.status)) return false;
  const taskSpec = taskSpecOf(workflow, task.name);
  // Dataset outputs follow an exit, whatever its code, and land before anyone sees the task finished.
  if (isTaskFinished(report.status) && taskSpec && report.exitCode !== null) {
    await commitDatasetOutputs(ctx, workflow, task.name, taskSpec);
  }
  const stops: PendingStop[] = [];
  let queued: boolean;
  try {
    queued = await ctx.store.transaction((store) =>
      applyFound({ ...ctx, store }, report, workflow, task, stops),
    );
  } catch (err) {
    dropTally(ctx, workflow.workflowUuid);
    throw err;
  }
  await stopAttempts(ctx, stops);
  return queued;
}

async function applyFound(
  ctx: EngineContext,
  report: AttemptStatusReport,
  workflow: Workflow,
  task: Task,
  stops: PendingStop[],
): Promise<boolean> {
  const group = await ctx.store.groups.getByName(workflow.workflowUuid, task.groupName);
  if (!group) return false;

  if (!isTaskFinished(report.status)) {
    if (await setTaskStatus(ctx, task, report.status, { at: report.at })) {
      await event(
        ctx,
        workflow,
        task,
        report.at,
        report.status === 'RUNNING' ? 'Started' : 'Initializing',
        report.message ?? 'Task attempt started',
      );
      await refreshGroup(ctx, workflow, group);
      await refreshWorkflow(ctx, workflow);
    }
    return false;
  }

  const groupSpec = groupSpecOf(workflow, group.name);
  const taskSpec = taskSpecOf(workflow, task.name);
  let status = report.status;
  let message = report.message;
  let siblings: Task[] | null = null;
  // A preempted attempt carries upstream's exit code 3006, so exit actions (and retries) apply to it.
  const exitCode =
    status === 'FAILED_PREEMPTED' ? (report.exitCode ?? EXIT_CODES.PREEMPTED) : report.exitCode;
  const poolConfig = ctx.config.current().pools[workflow.pool ?? ''];
  // Exit actions apply to attempts that end with an exit code, never to group-wide outcomes.
  if (
    exitCode !== null &&
    !isCancelClass(status) &&
    status !== 'FAILED_UPSTREAM' &&
    status !== 'FAILED_SERVER_ERROR'
  ) {
    const input = {
      reported: status,
      exitCode,
      actions: taskSpec?.exitActions ?? [],
      poolDefaults: poolExitActions(poolConfig?.default_exit_actions ?? {}),
      retryId: task.retryId,
      maxRetryPerTask: poolConfig?.max_retry_per_task ?? maxRetryOf(ctx),
    };
    let resolved = resolveExitStatus(input);
    // A group reschedule retries every sibling too, so the budget is that of the most-retried task.
    if (resolved.status === 'RESCHEDULED' && restartsGroup(task, groupSpec?.ignoreNonleadStatus ?? false)) {
      siblings = await unfinishedSiblings(ctx, workflow, group.name, task.name);
      const most = Math.max(task.retryId, ...siblings.map((t) => t.retryId));
      if (most > task.retryId) resolved = resolveExitStatus({ ...input, retryId: most });
    }
    status = resolved.status;
    if (resolved.message) message = message ? `${message} ${resolved.message}` : resolved.message;
  }
  const changed = await setTaskStatus(ctx, task, status, {
    exitCode,
    message,
    at: report.at,
  });
  if (!changed) return false;
  await event(
    ctx,
    workflow,
    task,
    report.at,
    status,
    message ?? `Exited with code ${report.exitCode ?? 'unknown'}`,
  );

  // A new retry row, queued again: the dispatcher places it like any other attempt.
  if (status === 'RESCHEDULED') await queueNextRetry(ctx, task);
  const outcome = siblingOutcome(
    { name: task.name, status, lead: task.lead },
    groupSpec?.ignoreNonleadStatus ?? false,
  );
  if (outcome.kind === 'finish') {
    stops.push(
      ...(await finishGroupTasks(ctx, workflow, group, outcome.status, outcome.message, null, task.name)),
    );
  } else if (outcome.kind === 'restart') {
    siblings ??= await unfinishedSiblings(ctx, workflow, group.name, task.name);
    stops.push(...(await rescheduleSiblings(ctx, workflow, group, siblings, task.name)));
  }
  const groupStatus = await refreshGroup(ctx, workflow, group);
  await refreshWorkflow(ctx, workflow);
  return isGroupFinished(groupStatus);
}

async function event(
  ctx: EngineContext,
  workflow: Workflow,
  task: Task,
  at: Date,
  reason: string,
  message: string,
): Promise<void> {
  await ctx.store.events.append({
    workflowUuid: workflow.workflowUuid,
    time: at,
    taskName: task.name,
    retryId: task.retryId,
    text: eventLine(at, task.name, task.retryId, reason, message),
  });
}

/** Whether a RESCHEDULED end of `task` reschedules its unfinished siblings with it. */
const restartsGroup = (task: Task, ignoreNonleadStatus: boolean): boolean =>
  siblingOutcome({ name: task.name, status: 'RESCHEDULED', lead: task.lead }, ignoreNonleadStatus).kind ===
  'restart';

/** Pool defaults as configured; an invalid entry is ignored rather than failing every report. */
function poolExitActions(raw: Readonly<Record<string, string>>): ExitActions {
  try {
    return parseExitActions(Object.entries(raw), 'pool defaults');
  } catch {
    return [];
  }
}

/** The workflow config's `max_retry_per_task` in force, else the service flag. */
const maxRetryOf = (ctx: EngineContext): number =>
  Math.max(ctx.config.current().workflow.max_retry_per_task, ctx.maxRetryPerTask);
