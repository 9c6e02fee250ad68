// Places queued attempts on free capacity and hands each to the backend with its tokens substituted.
import { planSnapshot } from '../scheduler/index.js';
import type { InputSpec, TaskSpec } from '../spec/index.js';
import {
  type AttemptLaunch,
  type AttemptRef,
  CONTAINER_TASK_PATHS,
  EXIT_CODES,
  type InputSource,
  isTaskFinished,
  type TaskPaths,
  type TaskStatus,
} from '../core/index.js';
import { substituteTaskTokens } from '../spec/index.js';
import type { Backend } from '../backends/index.js';
import type { Group, Task, TaskAttempt, Workflow } from '../store/index.js';
import type { EngineContext } from './context.js';
import { outputPrefix } from './context.js';
import { checkpointTargets, launchDataCredentials } from './data-launch.js';
import { withDatasetInputs } from './dataset-io.js';
import { eventLine } from './event-line.js';
import { hostMountsFor } from './host-mounts.js';
import { launchPlacement } from './launch-placement.js';
import { applyStatusReport } from './reports.js';
import { applySchedulingDecisions, buildSnapshot } from './schedule-snapshot.js';
import { groupSpecOf, specOf, taskSpecOf } from './spec-cache.js';
import { refOf } from './status-writes.js';
import { withRegistryAuth } from './registry-launch.js';
import { withTaskCli } from './task-cli.js';
import { withTaskCredentials } from './task-credentials.js';

const GIB = 1024 ** 3;

// What the dispatcher reads of a queued workflow (spec, pool, submit time, ids) never changes, so it is
// read once while the workflow waits instead of on every beat.
const queuedCache = new WeakMap<EngineContext, Map<string, Workflow>>();

async function queuedWorkflows(
  ctx: EngineContext,
  queued: readonly TaskAttempt[],
): Promise<Map<string, Workflow>> {
  const cache = queuedCache.get(ctx) ?? new Map<string, Workflow>();
  queuedCache.set(ctx, cache);
  const wanted = new Set(queued.map((a) => a.workflowUuid));
  for (const uuid of cache.keys()) if (!wanted.has(uuid)) cache.delete(uuid);
  for (const uuid of wanted) {
    if (cache.has(uuid)) continue;
    const wf = await ctx.store.workflows.get(uuid);
    if (wf) cache.set(uuid, wf);
  }
  return new Map(cache);
}

/** One pass of the dispatcher: attempts in SCHEDULING without a node are the queue. */
export async function dispatchQueued(ctx: EngineContext): Promise<void> {
  // Nothing joined the queue since a pass found it empty: freed capacity has nothing to place.
  if (!ctx.scheduling.queued) return;
  const attempts = await ctx.store.tasks.listRunningAttempts(['SCHEDULING', 'INITIALIZING', 'RUNNING']);
  const queued = attempts.filter((a) => a.status === 'SCHEDULING' && a.nodeName === null);
  if (queued.length === 0) {
    ctx.scheduling.queued = false;
    return;
  }
  const workflows = await queuedWorkflows(ctx, queued);
  const byGroup = new Map<string, TaskAttempt[]>();
  for (const a of queued) {
    const key = `${a.workflowUuid}/${a.groupName}`;
    const list = byGroup.get(key);
    if (list === undefined) byGroup.set(key, [a]);
    else list.push(a);
  }
  const plan = planSnapshot(buildSnapshot(ctx, attempts, byGroup, workflows));
  await applySchedulingDecisions(ctx, plan, attempts, byGroup, workflows);
  for (const placement of plan.launch) {
    const tasks = byGroup.get(placement.groupKey) ?? [];
    const workflow = workflows.get(tasks[0]?.workflowUuid ?? '');
    if (!workflow) continue;
    const group = await ctx.store.groups.getByName(workflow.workflowUuid, tasks[0]?.groupName ?? '');
    if (!group) continue;
    const byKey = new Map(tasks.map((t) => [t.taskDbKey, t]));
    // A backend that starts a group as one unit (a Slurm job) waits for every task placed with it.
    const together = placement.tasks.flatMap((p) => byKey.get(p.key)?.name ?? []);
    for (const place of placement.tasks) {
      const task = byKey.get(place.key);
      if (!task) continue;
      await ctx.store.tasks.update(task.taskDbKey, { nodeName: place.node, gpuIndices: place.gpuIndices });
      const at = ctx.now();
      await ctx.store.events.append({
        workflowUuid: workflow.workflowUuid,
        time: at,
        taskName: task.name,
        retryId: task.retryId,
        text: eventLine(
          at,
          task.name,
          task.retryId,
          'Scheduled',
          `Successfully assigned to node ${place.node}`,
        ),
      });
      await launchPlaced(ctx, workflow, group, { ...task, nodeName: place.node }, place.gpuIndices, together);
    }
  }
}

/**
 * Launches attempts that were placed before the service stopped but that the backend never started
 * (its recover() answered them): on the node and GPUs they were given, which the store still holds
 * for them, through the same path as any launch.
 */
export async function launchUnstarted(ctx: EngineContext, refs: readonly AttemptRef[]): Promise<void> {
  for (const ref of refs) {
    const workflow = await ctx.store.workflows.get(ref.workflowUuid);
    if (!workflow) continue;
    const task = await ctx.store.tasks.getAttempt(workflow.workflowUuid, ref.taskName, ref.retryId);
    const group = await ctx.store.groups.getByName(workflow.workflowUuid, ref.groupName);
    if (!task || !group || isTaskFinished(task.status) || task.nodeName === null) continue;
    ctx.log.info(
      { workflowId: workflow.workflowId, task: task.name, retryId: task.retryId, node: task.nodeName },
      'launching an attempt that was placed but not started when the service stopped',
    );
    await launchPlaced(ctx, workflow, group, task, task.gpuIndices);
  }
}

/**
 * Hands one placed attempt to the backend. Whatever fails on the way ends the attempt with the
 * reason (a credential deleted since submission: FAILED; the backend refusing it: FAILED_BACKEND_ERROR),
 * instead of leaving it placed and never started, and never stops the pass over the other attempts.
 */
async function launchPlaced(
  ctx: EngineContext,
  workflow: Workflow,
  group: Group,
  task: Task,
  gpuIndices: readonly number[],
  launchedTogether: readonly string[] = [],
): Promise<void> {
  const ref = refOf(workflow, group, task);
  const end = (status: TaskStatus, exitCode: number | null, message: string) =>
    applyStatusReport(ctx, { kind: 'status', ref, status, exitCode, message, at: ctx.now() });
  const backend = ctx.backends.forWorkflow(workflow);
  if (backend === null) {
    // Placed on a node of its backend, which was removed or remade since: nothing ran.
    await end(
      'FAILED_BACKEND_ERROR',
      EXIT_CODES.BACKEND_ERROR,
      `The backend ${workflow.backend ?? ''} of this workflow is not running`,
    );
    return;
  }
  let launch: AttemptLaunch;
  try {
    const paths = backend.taskPaths ? await backend.taskPaths(ref) : CONTAINER_TASK_PATHS;
    launch = buildLaunch(ctx, backend, workflow, group, task, gpuIndices, paths);
  } catch (err) {
    ctx.log.error({ err, workflowId: workflow.workflowId, task: task.name }, 'preparing a launch failed');
    await end(
      'FAILED_SERVER_ERROR',
      EXIT_CODES.SERVER_ERROR,
      `The service could not prepare the task: ${errorText(err)}`,
    );
    return;
  }
  try {
    const spec = specOf(workflow);
    launch = await withDatasetInputs(
      ctx,
      await withTaskCredentials(ctx.credentials, spec, workflow.submittedBy, launch),
    );
    launch = await withRegistryAuth(ctx.credentials, spec, workflow.submittedBy, launch);
    // The in-task CLI is wired for the start-up backend's kind and host (its files, its socket).
    if (ctx.backends.isStartup(backend))
      launch = await withTaskCli(ctx, workflow, task.nodeName ?? '', launch);
  } catch (err) {
    // A credential deleted since submission fails the attempt with the reason, instead of retrying forever.
    await end('FAILED', null, errorText(err));
    return;
  }
  launch = {
    ...launch,
    priority: workflow.priority,
    ...(launchedTogether.length > 1 ? { launchedTogether } : {}),
  };
  // A replica that lost the engine lease while preparing leaves the placed attempt to the new leader.
  if (ctx.mayLaunch?.() === false) return;
  try {
    await backend.launch(launch);
  } catch (err) {
    ctx.log.error({ err, workflowId: workflow.workflowId, task: task.name }, 'the backend refused a launch');
    await end(
      'FAILED_BACKEND_ERROR',
      EXIT_CODES.BACKEND_ERROR,
      `The ${backend.kind} backend could not start the task: ${errorText(err)}`,
    );
  }
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function buildLaunch(
  ctx: EngineContext,
  backend: Backend,
  workflow: Workflow,
  group: Group,
  task: TaskAttempt | { readonly name: string; readonly retryId: number; readonly taskUuid: string },
  gpuIndices: readonly number[],
  paths: TaskPaths,
): AttemptLaunch {
  const groupSpec = groupSpecOf(workflow, group.name);
  const taskSpec = taskSpecOf(workflow, task.name);
  if (!groupSpec || !taskSpec) throw new Error(`task ${task.name} is missing from the stored spec`);
  const resolved: TaskSpec = substituteTaskTokens(taskSpec, {
    workflowId: workflow.workflowId,
    outputPath: paths.output,
    inputPath: (index) => paths.input(index),
    // Tasks of the process backend share the host's network: every task is reachable on loopback.
    // Container backends give each group a network where every task has its own name.
    hostOf: (name) => backend.taskHost?.(refOf(workflow, group, task), name) ?? '127.0.0.1',
  });
  return {
    ...refOf(workflow, group, task),
    image: resolved.image,
    command: resolved.command,
    args: resolved.args,
    environment: resolved.environment,
    files: resolved.files,
    inputs: resolved.inputs.map((input) => inputSource(workflow.workflowId, input)),
    outputs: resolved.outputs.flatMap((o) => ('url' in o ? [{ url: o.url, regex: o.regex || null }] : [])),
    storage: ctx.storage,
    outputPrefix: outputPrefix(workflow.workflowId, task.name),
    resources: {
      cpu: taskSpec.resource.cpu ?? 1,
      memoryBytes: taskSpec.resource.memoryBytes ?? GIB,
      gpu: taskSpec.resource.gpu ?? 0,
    },
    gpuIndices,
    hostMounts: hostMountsFor(ctx, backend, workflow.pool ?? '', taskSpec.resource.platform, taskSpec),
    placement: launchPlacement(ctx, workflow, specOf(workflow), taskSpec),
    ...dataLaunch(ctx, resolved, taskSpec, paths, workflow.workflowId),
  };
}

/** Checkpoints and storage credentials; the credential's secret is masked in the task's log. */
function dataLaunch(
  ctx: EngineContext,
  resolved: TaskSpec,
  taskSpec: TaskSpec,
  paths: TaskPaths,
  workflowId: string,
): Pick<AttemptLaunch, 'checkpoints' | 'dataCredentials' | 'secrets'> {
  const checkpoints = checkpointTargets(taskSpec, paths, workflowId);
  const uris = [
    ...resolved.inputs.flatMap((i) => (i.kind === 'url' ? [i.url] : [])),
    ...resolved.outputs.flatMap((o) => ('url' in o ? [o.url] : [])),
    ...checkpoints.map((c) => c.url),
  ];
  const dataCredentials = launchDataCredentials(ctx.storage, uris);
  return {
    checkpoints,
    dataCredentials,
    secrets: [...new Set(dataCredentials.map((c) => c.secretAccessKey))].filter((v) => v.length >= 8),
  };
}

/** `task: name` reads this workflow's task output; `task: <workflow id>:name` another workflow's. */
function inputSource(workflowId: string, input: InputSpec): InputSource {
  if (input.kind === 'url') return { kind: 'url', url: input.url, regex: input.regex || null };
  // Filled in by withDatasetInputs before the launch, once the version is looked up.
  if (input.kind === 'dataset')
    return { kind: 'dataset', name: input.name, objects: [], regex: input.regex || null };
  const colon = input.task.indexOf(':');
  const [sourceWorkflow, sourceTask] =
    colon < 0 ? [workflowId, input.task] : [input.task.slice(0, colon), input.task.slice(colon + 1)];
  return {
    kind: 'task',
    storagePrefix: outputPrefix(sourceWorkflow, sourceTask),
    regex: input.regex || null,
  };
}
