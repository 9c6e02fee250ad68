// Builds the scheduler's snapshot from the store and the live config, and acts on what it decides beyond launches.
import type { QueuedGroup, RunningAttempt, SchedulerSnapshot } from '../scheduler/index.js';
import type { DispatchPlan } from '../scheduler/index.js';
import type { TaskAttempt, Workflow } from '../store/index.js';
import type { EngineContext } from './context.js';
import { poolShapes } from './live-config.js';
import { eventLine } from './event-line.js';
import { specOf, taskSpecOf } from './spec-cache.js';
import { refOf, stopAttempt } from './status-writes.js';
import { workflowChanged } from './workflow-changes.js';

const GIB = 1024 ** 3;

const requestOf = (t: TaskAttempt): { cpu: number; memoryBytes: number; gpu: number } => ({
  cpu: t.cpuCount,
  memoryBytes: t.memoryGib * GIB,
  gpu: t.gpuCount,
});

/** A launched attempt as the scheduler counts it; only RUNNING ones count towards quota. */
export const runningAttemptOf = (a: TaskAttempt): RunningAttempt => ({
  key: a.taskDbKey,
  node: a.nodeName ?? '',
  ...requestOf(a),
  gpuIndices: a.gpuIndices,
  pool: a.pool ?? '',
  priority: a.priority,
  running: a.status === 'RUNNING',
});

/**
 * Exec timeouts the users of workflows seen in the queue declared, so running attempts get a deadline
 * without a query. A timeout nobody declared (the workflow config's default, 60 days) says nothing of
 * when the work ends: such attempts have no deadline, and a wait behind them has no estimate.
 */
const execLimits = new WeakMap<EngineContext, Map<string, number | null>>();

const declaredExecLimit = (wf: Workflow): number | null =>
  specOf(wf).declaredTimeout.execTimeoutSeconds === null ? null : wf.execTimeoutSeconds;

export function buildSnapshot(
  ctx: EngineContext,
  attempts: readonly TaskAttempt[],
  byGroup: ReadonlyMap<string, readonly TaskAttempt[]>,
  workflows: ReadonlyMap<string, Workflow>,
): SchedulerSnapshot {
  const limits = execLimits.get(ctx) ?? new Map<string, number | null>();
  execLimits.set(ctx, limits);
  for (const wf of workflows.values()) {
    if (!limits.has(wf.workflowUuid)) limits.set(wf.workflowUuid, declaredExecLimit(wf));
  }
  // Only workflows still queued or running keep an entry: the map is as large as the work alive.
  const inFlight = new Set(attempts.map((a) => a.workflowUuid));
  for (const uuid of limits.keys()) if (!workflows.has(uuid) && !inFlight.has(uuid)) limits.delete(uuid);
  const doc = ctx.config.current();
  const alive = new Set(attempts.map((a) => a.taskDbKey));
  for (const key of ctx.scheduling.stopping) if (!alive.has(key)) ctx.scheduling.stopping.delete(key);
  const running: RunningAttempt[] = attempts
    .filter((a) => a.nodeName !== null)
    .map((a) => {
      const limit = limits.get(a.workflowUuid);
      return {
        ...runningAttemptOf(a),
        deadline: a.startTime && limit ? new Date(a.startTime.getTime() + limit * 1000) : null,
        stopping: ctx.scheduling.stopping.has(a.taskDbKey),
      };
    });
  const queue: QueuedGroup[] = [...byGroup.entries()].map(([key, tasks]) => {
    const workflow = workflows.get(tasks[0]?.workflowUuid ?? '');
    const poolName = workflow?.pool ?? tasks[0]?.pool ?? '';
    const defaultPlatform = doc.pools[poolName]?.default_platform ?? null;
    return {
      key,
      pool: poolName,
      priority: tasks[0]?.priority ?? 'NORMAL',
      submitTime: workflow?.submitTime ?? new Date(0),
      tasks: tasks.map((t) => {
        const resource = workflow ? taskSpecOf(workflow, t.name)?.resource : undefined;
        return {
          key: t.taskDbKey,
          ...requestOf(t),
          platform: resource?.platform ?? defaultPlatform,
          nodesExcluded: resource?.nodesExcluded ?? [],
        };
      }),
    };
  });
  const pools = poolShapes(doc, (backend) => ctx.backends.unavailable(doc, backend));
  return { pools, nodes: ctx.nodes(), running, queue, now: ctx.now() };
}

/** Upstream's preemption message. */
export const preemptionMessage = (at: Date): string => `Pod was preempted at ${at.toISOString()}.`;

/**
 * Stops the LOW attempts the plan preempts (they end FAILED_PREEMPTED, exit 3006, then follow exit
 * actions) and records why each waiting workflow waits, with an event line when the reason changes.
 */
export async function applySchedulingDecisions(
  ctx: EngineContext,
  plan: DispatchPlan,
  attempts: readonly TaskAttempt[],
  byGroup: ReadonlyMap<string, readonly TaskAttempt[]>,
  workflows: ReadonlyMap<string, Workflow>,
): Promise<void> {
  for (const victim of plan.preempt) {
    const attempt = attempts.find((a) => a.taskDbKey === victim.attemptKey);
    if (!attempt || ctx.scheduling.stopping.has(attempt.taskDbKey)) continue;
    const workflow = await ctx.store.workflows.get(attempt.workflowUuid);
    const group = workflow
      ? await ctx.store.groups.getByName(workflow.workflowUuid, attempt.groupName)
      : null;
    if (!workflow || !group) continue;
    ctx.scheduling.stopping.add(attempt.taskDbKey);
    ctx.log.info({ workflowId: workflow.workflowId, task: attempt.name, for: victim.forGroup }, 'preempting');
    const ref = refOf(workflow, group, attempt);
    await stopAttempt(ctx, ref, 'FAILED_PREEMPTED', preemptionMessage(ctx.now()));
  }
  const seen = new Set<string>();
  for (const wait of plan.waiting) {
    const tasks = byGroup.get(wait.groupKey) ?? [];
    const workflow = workflows.get(tasks[0]?.workflowUuid ?? '');
    if (!workflow || seen.has(workflow.workflowUuid)) continue;
    seen.add(workflow.workflowUuid);
    const info = { kind: wait.kind, reason: wait.reason, estimatedStart: wait.estimatedStart };
    const before = ctx.scheduling.waits.get(workflow.workflowUuid);
    ctx.scheduling.waits.set(workflow.workflowUuid, info);
    // A page showing why the workflow waits reads it again only when the reason reads differently.
    if (before?.reason !== info.reason) workflowChanged(ctx, workflow.workflowUuid);
    // The live reason (with its counts) is served by `workflow query`; the event log gets a line only
    // when the kind of wait changes, or every beat would add a line per queued workflow.
    if (before?.kind === info.kind) continue;
    const at = ctx.now();
    const task = tasks[0];
    const estimate = info.estimatedStart ? ` Estimated start: ${info.estimatedStart.toISOString()}.` : '';
    await ctx.store.events.append({
      workflowUuid: workflow.workflowUuid,
      time: at,
      taskName: task?.name ?? null,
      retryId: task?.retryId ?? null,
      text: eventLine(at, task?.name ?? '', task?.retryId ?? 0, 'Pending', `${info.reason}.${estimate}`),
    });
  }
  for (const placement of plan.launch) {
    const uuid = byGroup.get(placement.groupKey)?.[0]?.workflowUuid;
    if (uuid === undefined) continue;
    ctx.scheduling.placed.add(uuid);
    if (!seen.has(uuid)) ctx.scheduling.waits.delete(uuid);
  }
}
