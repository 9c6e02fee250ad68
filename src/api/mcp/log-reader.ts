// Logs for a tool: what is written so far, never following a running workflow, so a call always ends.
import type { Caller } from '../auth/caller.js';
import type { ApiDeps } from '../deps.js';
import { existingRetry } from '../routes/workflow-logs.js';
import { visibleWorkflow } from '../routes/visible-workflow.js';
import { boundText } from './bounds.js';
import type { LogRequest } from './tool-def.js';

/** Same visibility and task checks as `GET /api/workflow/:name/logs`, through the same functions. */
export function logReader(deps: ApiDeps, caller: Caller): (request: LogRequest) => Promise<string> {
  return async (request) => {
    const workflow = await visibleWorkflow(deps, caller, request.workflowId);
    const retryId =
      request.taskName === undefined
        ? 0
        : await existingRetry(deps, workflow, request.taskName, request.retryId);
    let text = '';
    for await (const chunk of deps.ctx.logs.read(workflow.workflowId, {
      task: request.taskName ?? null,
      retryId,
      lastLines: request.lastLines,
      isLive: async () => false,
      signal: AbortSignal.timeout(10_000),
    })) {
      text += chunk;
    }
    return boundText(text);
  };
}
