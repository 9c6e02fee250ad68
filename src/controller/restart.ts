// Restart of a failed workflow: a new workflow of the groups that run again (by default those that did not complete).
import type { GroupSpec, InputSpec, WorkflowSpec } from '../spec/index.js';
import type { Workflow } from '../store/index.js';
import type { EngineContext } from './context.js';
import type { RestartChoice } from './restart-selection.js';
import { groupsToRerun, PLAIN_RESTART } from './restart-selection.js';
import { specOf } from './spec-cache.js';
import { assertPoolExists, groupRows } from './submit.js';

/** Keeps the groups that run again; inputs from the others' tasks now read the old run's outputs (`<old id>:<task>`). */
export function restartSpec(
  spec: WorkflowSpec,
  rerun: ReadonlySet<string>,
  oldWorkflowId: string,
): WorkflowSpec {
  const dropped = new Set(
    spec.groups.filter((g) => !rerun.has(g.name)).flatMap((g) => g.tasks.map((t) => t.name)),
  );
  const rewrite = (input: InputSpec): InputSpec =>
    input.kind === 'task' && !input.task.includes(':') && dropped.has(input.task)
      ? { ...input, task: `${oldWorkflowId}:${input.task}` }
      : input;
  const groups: GroupSpec[] = spec.groups
    .filter((g) => rerun.has(g.name))
    .map((g) => ({
      ...g,
      upstreamGroups: g.upstreamGroups.filter((u) => rerun.has(u)),
      tasks: g.tasks.map((t) => ({ ...t, inputs: t.inputs.map(rewrite) })),
    }));
  return { ...spec, groups };
}

export async function restartWorkflow(
  ctx: EngineContext,
  source: Workflow,
  pool: string,
  user: string,
  choice: RestartChoice = PLAIN_RESTART,
): Promise<Workflow> {
  assertPoolExists(ctx, pool);
  const statusOf = new Map(
    (await ctx.store.groups.listByWorkflow(source.workflowUuid)).map((g) => [g.name, g.status] as const),
  );
  const old = specOf(source);
  const spec = restartSpec(
    old,
    groupsToRerun(source.workflowId, old.groups, statusOf, choice),
    source.workflowId,
  );
  return ctx.store.workflows.create({
    workflowName: source.workflowName,
    submittedBy: user,
    submitTime: ctx.now(),
    execTimeoutSeconds: source.execTimeoutSeconds,
    queueTimeoutSeconds: source.queueTimeoutSeconds,
    backend: source.backend,
    pool,
    status: 'PENDING',
    priority: source.priority,
    labels: source.labels,
    specText: source.specText,
    templateSpecText: source.templateSpecText,
    specJson: spec,
    parentName: source.workflowName,
    parentJobId: source.jobId,
    groups: groupRows(spec),
  });
}
