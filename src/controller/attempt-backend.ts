// Which running backend holds an attempt: the one its workflow's pool named at submit.
import type { Backend } from '../backends/index.js';
import type { AttemptRef } from '../core/index.js';
import type { EngineContext } from './context.js';

/** Null when the workflow is gone or its backend does not run now (removed, or could not be made). */
export async function backendOfAttempt(
  ctx: Pick<EngineContext, 'store' | 'backends'>,
  ref: Pick<AttemptRef, 'workflowUuid'>,
): Promise<Backend | null> {
  const workflow = await ctx.store.workflows.get(ref.workflowUuid);
  return workflow === null ? null : ctx.backends.forWorkflow(workflow);
}
