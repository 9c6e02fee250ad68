// The preconditions every action (exec, port-forward, webserver, rsync) checks before a key is
// issued, with upstream's HTTP statuses: the caller's own workflow (or an admin), running, and a
// target task that runs now.
import {
  type AttemptRef,
  isPreRunning,
  isWorkflowFinished,
  type TaskStatus,
  userError,
} from '../../core/index.js';
import type { Backend } from '../../controller/backend-set.js';
import type { Task, Workflow } from '../../store/index.js';
import type { Caller } from '../auth/caller.js';
import type { ApiDeps } from '../deps.js';
import { visibleWorkflow } from '../routes/visible-workflow.js';

export type ActionTarget = { readonly task: string } | { readonly group: string };

export interface ActionTargets {
  readonly workflow: Workflow;
  /** The backend that runs the workflow's tasks. */
  readonly backend: Backend;
  /** The running attempts the action reaches, by task name. */
  readonly refs: readonly AttemptRef[];
}

/** A task waiting to run (or to run again) is "not yet": 425, as upstream. */
const notYet = (status: TaskStatus): boolean => isPreRunning(status) || status === 'RESCHEDULED';

/**
 * The running attempts of the target, or the error that answers the request: 410 finished workflow,
 * 425 workflow or task not running yet, 404 unknown or finished task (a group: 425 while some of its
 * tasks are still to run, else 404). Another user's workflow reads as an unknown one.
 */
export async function actionTargets(
  deps: ApiDeps,
  caller: Caller | null,
  workflowName: string,
  target: ActionTarget,
): Promise<ActionTargets> {
  const workflow = await visibleWorkflow(deps, caller, workflowName);
  const id = workflow.workflowId;
  if (isWorkflowFinished(workflow.status)) throw userError(`Workflow ${id} is not running!`, 410);
  if (workflow.status !== 'RUNNING') throw userError(`Workflow ${id} is not running yet...`, 425);
  const backend = deps.ctx.backends.forWorkflow(workflow);
  if (backend === null)
    throw userError(`The backend ${workflow.backend ?? ''} of workflow ${id} is not running`, 422);
  const groups = await deps.store.groups.listByWorkflow(workflow.workflowUuid);
  const groupUuid = new Map(groups.map((g) => [g.name, g.groupUuid]));
  const refOf = (task: Task): AttemptRef => ({
    workflowId: id,
    workflowUuid: workflow.workflowUuid,
    groupName: task.groupName,
    groupUuid: groupUuid.get(task.groupName) ?? '',
    taskName: task.name,
    taskUuid: task.taskUuid,
    retryId: task.retryId,
  });
  if ('task' in target) {
    const task = await deps.store.tasks.getLatest(workflow.workflowUuid, target.task);
    if (task === null) throw userError(`Task ${target.task} is not found in workflow ${id}.`, 404);
    if (notYet(task.status)) throw userError(`Task ${task.name} is not running yet...`, 425);
    if (task.status !== 'RUNNING') throw userError(`Task ${task.name} is not running (${task.status}).`, 404);
    return { workflow, backend, refs: [refOf(task)] };
  }
  if (!groupUuid.has(target.group))
    throw userError(`Group ${target.group} is not found in workflow ${id}.`, 404);
  const tasks = (await deps.store.tasks.listByWorkflow(workflow.workflowUuid)).filter(
    (t) => t.groupName === target.group,
  );
  const running = tasks.filter((t) => t.status === 'RUNNING');
  if (running.length > 0) return { workflow, backend, refs: running.map(refOf) };
  if (tasks.some((t) => notYet(t.status)))
    throw userError(`Group ${target.group} is not running yet...`, 425);
  throw userError(`Group ${target.group} has no running task.`, 404);
}
