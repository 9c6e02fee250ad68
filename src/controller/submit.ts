// The submission path: validate a spec and persist its workflow, groups and tasks at once.
import { randomUUID } from 'node:crypto';
import type { Priority } from '../core/index.js';
import { OsmoError } from '../core/index.js';
import type { ParseOptions, WorkflowSpec } from '../spec/index.js';
import { isTemplated, parseDurationSeconds } from '../spec/index.js';
import type { NewGroup, Workflow } from '../store/index.js';
import type { EngineContext } from './context.js';
import { assertAdmissible, assertPoolIn, dryRunVerdict } from './admission.js';
import { assertTaskCredentials } from './task-credentials.js';

const GIB = 1024 ** 3;

export interface SubmitRequest {
  readonly pool: string;
  readonly user: string;
  readonly text: string;
  readonly set: readonly string[];
  readonly setString: readonly string[];
  readonly envVars: readonly string[];
  readonly labels: readonly string[];
  readonly priority: Priority;
  readonly dryRun: boolean;
  readonly validationOnly: boolean;
  /** The original templated text the CLI rendered before submitting (kept for `spec --template`). */
  readonly uploadedTemplatedSpec: string | null;
  readonly parent: { readonly name: string; readonly jobId: number } | null;
  /** The app version this spec came from (`osmo app submit`), recorded on the workflow. */
  readonly app?: { readonly uuid: string; readonly version: number } | null;
}

export type SubmitOutcome =
  | {
      readonly kind: 'dry-run';
      readonly name: string;
      readonly spec: string;
      readonly scheduling: string;
    }
  | { readonly kind: 'validated'; readonly name: string }
  | { readonly kind: 'submitted'; readonly workflow: Workflow };

export function assertPoolExists(ctx: EngineContext, pool: string): void {
  assertPoolIn(ctx.config.current(), pool);
}

export async function submitWorkflow(ctx: EngineContext, request: SubmitRequest): Promise<SubmitOutcome> {
  assertPoolExists(ctx, request.pool);
  if (request.dryRun) return dryRunSubmission(ctx, request);
  let spec: WorkflowSpec;
  try {
    spec = await ctx.specs.parse(request.text, parseOptionsOf(ctx, request));
    await assertSubmittable(ctx, spec, request);
  } catch (err) {
    if (isSpecFailure(err)) await recordFailedSubmission(ctx, request, err);
    throw err;
  }
  if (request.validationOnly) return { kind: 'validated', name: spec.name };
  const workflow = await ctx.store.workflows.create({
    workflowName: spec.name,
    submittedBy: request.user,
    submitTime: ctx.now(),
    execTimeoutSeconds: spec.timeout.execTimeoutSeconds,
    queueTimeoutSeconds: spec.timeout.queueTimeoutSeconds,
    // The pool's backend by its configured name, as upstream records it (not the runner's kind).
    backend: ctx.config.current().pools[request.pool]?.backend ?? null,
    pool: request.pool,
    status: 'PENDING',
    priority: request.priority,
    labels: spec.labels,
    specText: spec.renderedYaml,
    templateSpecText: request.uploadedTemplatedSpec ?? (isTemplated(request.text) ? request.text : null),
    specJson: spec,
    parentName: request.parent?.name ?? null,
    parentJobId: request.parent?.jobId ?? null,
    appUuid: request.app?.uuid ?? null,
    appVersion: request.app?.version ?? null,
    groups: groupRows(spec),
    // Frozen here: turning the plugin on or off later leaves this workflow as it was submitted.
    plugins: { rsync: ctx.config.current().workflow.plugins_config.rsync.enabled },
  });
  ctx.log.info({ workflowId: workflow.workflowId, user: request.user }, 'workflow submitted');
  return { kind: 'submitted', workflow };
}

export function groupRows(spec: WorkflowSpec): NewGroup[] {
  return spec.groups.map((group) => ({
    name: group.name,
    spec: group,
    status: 'WAITING',
    remainingUpstreamGroups: group.upstreamGroups,
    downstreamGroups: spec.groups.filter((g) => g.upstreamGroups.includes(group.name)).map((g) => g.name),
    tasks: group.tasks.map((task) => ({
      name: task.name,
      status: 'WAITING',
      lead: task.lead,
      cpuCount: task.resource.cpu ?? 1,
      gpuCount: task.resource.gpu ?? 0,
      memoryGib: (task.resource.memoryBytes ?? GIB) / GIB,
      diskGib: (task.resource.storageBytes ?? GIB) / GIB,
      exitActions: task.exitActions,
    })),
  }));
}

/** A rejected spec still leaves a FAILED_SUBMISSION record, as upstream does, so the user can find it. */
async function recordFailedSubmission(
  ctx: EngineContext,
  request: SubmitRequest,
  err: OsmoError,
): Promise<void> {
  const name = nameFromText(request.text) ?? `failed-${randomUUID().replaceAll('-', '')}`;
  try {
    await ctx.store.workflows.createFailedSubmission({
      workflowName: name,
      submittedBy: request.user,
      submitTime: ctx.now(),
      pool: request.pool,
      failureMessage: err.message,
      specText: request.text,
      priority: request.priority,
    });
  } catch (recordErr) {
    ctx.log.warn({ err: recordErr }, 'could not record the failed submission');
  }
}

const NAME_LINE = /^\s+name:\s*["']?([a-zA-Z]([a-zA-Z0-9_-]*[a-zA-Z0-9])?)["']?\s*$/m;

/** The workflow's name when the text shows one plainly; the record of a failure needs nothing more. */
function nameFromText(text: string): string | null {
  const workflowAt = text.search(/^workflow:/m);
  if (workflowAt < 0) return null;
  const match = NAME_LINE.exec(text.slice(workflowAt));
  return match?.[1] && match[1].length <= 64 ? match[1] : null;
}

/** The request's values, and the limits of the workflow config in force, a pool's own timeouts first. */
function parseOptionsOf(ctx: EngineContext, request: SubmitRequest): ParseOptions {
  const doc = ctx.config.current();
  const limits = doc.workflow;
  const pool = doc.pools[request.pool];
  const seconds = (own: string | undefined, fallback: string | number): number =>
    parseDurationSeconds(own !== undefined && own !== '' ? own : fallback);
  return {
    set: request.set,
    setString: request.setString,
    envVars: request.envVars,
    labels: request.labels,
    maxTasks: limits.max_num_tasks,
    maxNameLength: limits.workflow_info.max_name_length,
    defaultExecTimeoutSeconds: seconds(pool?.default_exec_timeout, limits.default_exec_timeout),
    defaultQueueTimeoutSeconds: seconds(pool?.default_queue_timeout, limits.default_queue_timeout),
    maxExecTimeoutSeconds: seconds(pool?.max_exec_timeout, limits.max_exec_timeout),
    maxQueueTimeoutSeconds: seconds(pool?.max_queue_timeout, limits.max_queue_timeout),
  };
}

/** Every check a submit runs on a parsed spec, in its order: pool admission, then credentials. */
async function assertSubmittable(
  ctx: EngineContext,
  spec: WorkflowSpec,
  request: SubmitRequest,
): Promise<void> {
  assertAdmissible(ctx, spec, request.pool, request.priority);
  await assertTaskCredentials(ctx.credentials, spec, request.user);
}

/**
 * A dry run answers with the rendered text, after every check a submit runs (the first failure is
 * the same error a submit gets), and records nothing. Also whether the spec would start now or wait.
 */
async function dryRunSubmission(ctx: EngineContext, request: SubmitRequest): Promise<SubmitOutcome> {
  const { rendered, spec } = await ctx.specs.dryRun(request.text, parseOptionsOf(ctx, request));
  await assertSubmittable(ctx, spec, request);
  return {
    kind: 'dry-run',
    name: spec.name,
    spec: rendered,
    scheduling: await dryRunVerdict(ctx, spec, request.pool, request.priority),
  };
}

/** A spec the service refused, as opposed to a service too busy (429) or failing (500) to look at it. */
const isSpecFailure = (err: unknown): err is OsmoError =>
  err instanceof OsmoError && err.code !== 'SERVER' && err.httpStatus !== 429;
