// Applies what backends report: attempt statuses (exit actions, the lead rule, aggregation) and log lines.
import type { AttemptLogRecord, AttemptStatusReport } from '../backends/index.js';
import { isCancelClass, isGroupFinished, isTaskFinished } from '../core/index.js';
import { formatLogLine } from '../runtime/index.js';
import type { WorkflowSpec } from '../spec/index.js';
import { EXIT_CODES, parseExitActions, resolveExitStatus, siblingOutcome } from '../spec/index.js';
import type { ExitActions } from '../spec/index.js';
import type { Task, Workflow } from '../store/index.js';
import type { EngineContext } from './context.js';
import { attemptKey } from './context.js';
import { eventLine } from './event-line.js';
import { finishGroupTasks, refreshGroup, refreshWorkflow, setTaskStatus } from './status-writes.js';
import { commitDatasetOutputs } from './dataset-io.js';

/** The attempt a report is about, or null when the workflow or retry is unknown (a stale report). */
async function findAttempt(
  ctx: EngineContext,
  report: AttemptStatusReport,
): Promise<{ workflow: Workflow; task: Task } | null> {
  const workflow = await ctx.store.workflows.get(report.ref.workflowUuid);
  if (!workflow) return null;
  const latest = await ctx.store.tasks.getLatest(workflow.workflowUuid, report.ref.taskName);
  if (latest?.retryId === report.ref.retryId) return { workflow, task: latest };
  const all = await ctx.store.tasks.listByWorkflow(workflow.workflowUuid, { allRetries: true });
  const task = all.find((t) => t.name === report.ref.taskName && t.retryId === report.ref.retryId);
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

export async function applyStatusReport(ctx: EngineContext, report: AttemptStatusReport): Promise<boolean> {
  const found = await findAttempt(ctx, report);
  if (!found) return false;
  const { workflow, task } = found;
  if (isTaskFinished(task.status)) return false;
  const group = (await ctx.store.groups.listByWorkflow(workflow.workflowUuid)).find(
    (g) => g.name === task.groupName,
  );
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

  const spec = workflow.specJson as WorkflowSpec;
  const groupSpec = spec.groups.find((g) => g.name === group.name);
  const taskSpec = groupSpec?.tasks.find((t) => t.name === task.name);
  // Dataset outputs follow an exit, whatever its code, and land before anyone sees the task finished.
  if (taskSpec && report.exitCode !== null) await commitDatasetOutputs(ctx, workflow, task.name, taskSpec);
  let status = report.status;
  let message = report.message;
  // A preempted attempt carries upstream's exit code 3006, so exit actions (and retries) apply to it.
  const exitCode =
    status === 'FAILED_PREEMPTED' ? (report.exitCode ?? EXIT_CODES.PREEMPTED) : report.exitCode;
  const poolConfig = ctx.config.current().pools[workflow.pool ?? ''];
  // Exit actions apply to attempts that end with an exit code, never to group-wide outcomes (§13.1).
  if (
    exitCode !== null &&
    !isCancelClass(status) &&
    status !== 'FAILED_UPSTREAM' &&
    status !== 'FAILED_SERVER_ERROR'
  ) {
    const resolved = resolveExitStatus({
      reported: status,
      exitCode,
      actions: taskSpec?.exitActions ?? [],
      poolDefaults: poolExitActions(poolConfig?.default_exit_actions ?? {}),
      retryId: task.retryId,
      maxRetryPerTask: poolConfig?.max_retry_per_task ?? maxRetryOf(ctx),
    });
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

  if (status === 'RESCHEDULED') {
    // A new retry row, queued again: the dispatcher places it like any other attempt (§13.4).
    const retry = await ctx.store.tasks.insertRetry(task.taskDbKey, 'PROCESSING');
    await setTaskStatus(ctx, retry, 'SCHEDULING', { at: ctx.now() });
  }
  const outcome = siblingOutcome(
    { name: task.name, status, lead: task.lead },
    groupSpec?.ignoreNonleadStatus ?? false,
  );
  if (outcome.kind === 'finish') {
    await finishGroupTasks(ctx, workflow, group, outcome.status, outcome.message, null, task.name);
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

/**
 * Appends log records in order; a recovering backend replays an attempt from seq 0, so records the
 * store already holds are skipped by counting the attempt's lines once.
 */
export class LogWriter {
  private readonly nextSeq = new Map<string, number>();

  constructor(private readonly ctx: EngineContext) {}

  async write(record: AttemptLogRecord): Promise<void> {
    const key = attemptKey(record.ref);
    let next = this.nextSeq.get(key);
    if (next === undefined) {
      next = await this.ctx.logs.attemptLineCount(
        record.ref.workflowId,
        record.ref.taskName,
        record.ref.retryId,
      );
    }
    if (record.seq < next) {
      this.nextSeq.set(key, next);
      return;
    }
    this.nextSeq.set(key, record.seq + 1);
    const line = formatLogLine(record, record.ref.taskName, record.ref.retryId);
    if (line === null) return;
    await this.ctx.logs.append(record.ref.workflowId, record.ref.taskName, record.ref.retryId, [`${line}\n`]);
  }
}

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
