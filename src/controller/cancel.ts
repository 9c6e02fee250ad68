// Cancels a workflow: every unfinished group and task becomes FAILED_CANCELED and running attempts stop.
import { isGroupFinished, isWorkflowFinished, userError } from '../core/index.js';
import type { Workflow } from '../store/index.js';
import type { EngineContext } from './context.js';
import { finishGroupTasks, refreshWorkflow, setGroupStatus, stopAttempts } from './status-writes.js';
import { workflowChanged } from './workflow-changes.js';

export async function cancelWorkflow(
  ctx: EngineContext,
  workflow: Workflow,
  user: string,
  extraMessage: string | null,
  force: boolean,
): Promise<void> {
  if (isWorkflowFinished(workflow.status) && !force) {
    throw userError(`Workflow ${workflow.workflowId} is already finished.`);
  }
  const message = `Task was canceled by user: ${user}.${extraMessage ? ` ${extraMessage}` : ''}`;
  await ctx.store.workflows.setCancelledBy(workflow.workflowUuid, user);
  workflowChanged(ctx, workflow.workflowUuid);
  for (const group of await ctx.store.groups.listByWorkflow(workflow.workflowUuid)) {
    if (isGroupFinished(group.status)) continue;
    const stops = await finishGroupTasks(ctx, workflow, group, 'FAILED_CANCELED', message, null);
    await setGroupStatus(ctx, workflow, group, 'FAILED_CANCELED', ctx.now(), message);
    await stopAttempts(ctx, stops);
  }
  await refreshWorkflow(ctx, workflow);
}
