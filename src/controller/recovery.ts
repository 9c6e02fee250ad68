// Hands each backend the attempts it runs: after a restart, and when a backend is made again or
// removed while the service runs. An attempt whose backend no longer runs ends with the reason
// instead of staying RUNNING for good.
import type { Backend } from '../backends/index.js';
import { type AttemptRef, EXIT_CODES } from '../core/index.js';
import type { BackendChange } from './backend-set.js';
import type { EngineContext } from './context.js';
import { applyBackendReport } from './reports.js';

/** Attempts placed on a node and not finished: what some backend runs, or was about to start. */
export async function launchedAttempts(ctx: EngineContext): Promise<AttemptRef[]> {
  const attempts = await ctx.store.tasks.listRunningAttempts(['SCHEDULING', 'INITIALIZING', 'RUNNING']);
  const launched: AttemptRef[] = [];
  for (const a of attempts.filter((t) => t.nodeName !== null)) {
    const group = await ctx.store.groups.getByName(a.workflowUuid, a.groupName);
    if (!group) continue;
    launched.push({
      workflowId: a.workflowId,
      workflowUuid: a.workflowUuid,
      groupName: a.groupName,
      groupUuid: group.groupUuid,
      taskName: a.name,
      taskUuid: a.taskUuid,
      retryId: a.retryId,
    });
  }
  return launched;
}

/**
 * Hands each backend its own attempts (all of them, or those of the backends named in `only`);
 * answers those placed but never started, to be launched.
 */
export async function recoverAttempts(
  ctx: EngineContext,
  launched: readonly AttemptRef[],
  only: ReadonlySet<string> | null = null,
): Promise<AttemptRef[]> {
  const byBackend = new Map<Backend, AttemptRef[]>();
  const orphans: { ref: AttemptRef; backend: string }[] = [];
  for (const ref of launched) {
    const workflow = await ctx.store.workflows.get(ref.workflowUuid);
    const name = workflow?.backend ?? '';
    if (only !== null && !only.has(name)) continue;
    const backend = workflow === null ? null : ctx.backends.forWorkflow(workflow);
    if (backend === null) {
      orphans.push({ ref, backend: name });
      continue;
    }
    const list = byBackend.get(backend);
    if (list === undefined) byBackend.set(backend, [ref]);
    else list.push(ref);
  }
  const unstarted: AttemptRef[] = [];
  for (const [backend, refs] of byBackend) unstarted.push(...(await backend.recover(refs)));
  for (const { ref, backend } of orphans) {
    ctx.log.error({ workflowId: ref.workflowId, task: ref.taskName, backend }, 'attempt has no backend');
    await applyBackendReport(ctx, {
      kind: 'status',
      ref,
      status: 'FAILED_BACKEND_ERROR',
      exitCode: EXIT_CODES.BACKEND_ERROR,
      message: `The backend ${backend} that ran this task is not configured or could not be made`,
      at: ctx.now(),
    });
  }
  return unstarted;
}

/**
 * A backend made again follows the attempts the one before it ran (or reports them lost); the
 * attempts of a removed backend end. Answers the attempts to launch.
 */
export async function followBackendChange(ctx: EngineContext, change: BackendChange): Promise<AttemptRef[]> {
  if (change.made.length + change.removed.length === 0) return [];
  const launched = await launchedAttempts(ctx);
  const unstarted = change.made.length > 0 ? await recoverAttempts(ctx, launched, new Set(change.made)) : [];
  const removed = new Set(change.removed);
  for (const ref of launched) {
    const name = (await ctx.store.workflows.get(ref.workflowUuid))?.backend ?? '';
    if (!removed.has(name)) continue;
    const message = `The backend ${name} that ran this task was removed`;
    await applyBackendReport(ctx, {
      kind: 'status',
      ref,
      status: 'FAILED_BACKEND_ERROR',
      exitCode: EXIT_CODES.BACKEND_ERROR,
      message,
      at: ctx.now(),
    });
    // Its end is written: the backend, kept for this, stops what still runs.
    await ctx.backends
      .retiredBackend(name)
      ?.stop(ref, 'FAILED_BACKEND_ERROR', message)
      .catch((err: unknown) =>
        ctx.log.error({ err, workflowId: ref.workflowId }, 'stopping an attempt failed'),
      );
  }
  return unstarted;
}
