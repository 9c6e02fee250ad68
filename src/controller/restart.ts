// Restart of a failed workflow (execution.md §19.1): a new workflow of the groups that did not complete.
import type { GroupSpec, InputSpec, WorkflowSpec } from '../spec/index.js';
import type { Workflow } from '../store/index.js';
import type { EngineContext } from './context.js';
import { assertPoolExists, groupRows } from './submit.js';

/** Drops completed groups; inputs from their tasks now read the old run's outputs (`<old id>:<task>`). */
export function restartSpec(
  spec: WorkflowSpec,
  completedGroups: ReadonlySet<string>,
  oldWorkflowId: string,
): WorkflowSpec {
  const dropped = new Set(
    spec.groups.filter((g) => completedGroups.has(g.name)).flatMap((g) => g.tasks.map((t) => t.name)),
  );
  const rewrite = (input: InputSpec): InputSpec =>
    input.kind === 'task' && !input.task.includes(':') && dropped.has(input.task)
      ? { ...input, task: `${oldWorkflowId}:${input.task}` }
      : input;
  const groups: GroupSpec[] = spec.groups
    .filter((g) => !completedGroups.has(g.name))
    .map((g) => ({
      ...g,
      upstreamGroups: g.upstreamGroups.filter((u) => !completedGroups.has(u)),
      tasks: g.tasks.map((t) => ({ ...t, inputs: t.inputs.map(rewrite) })),
    }));
  return { ...spec, groups };
}

export async function restartWorkflow(
  ctx: EngineContext,
  source: Workflow,
  pool: string,
  user: string,
): Promise<Workflow> {
  assertPoolExists(ctx, pool);
  const completed = new Set(
    (await ctx.store.groups.listByWorkflow(source.workflowUuid))
      .filter((g) => g.status === 'COMPLETED')
      .map((g) => g.name),
  );
  const spec = restartSpec(source.specJson as WorkflowSpec, completed, source.workflowId);
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
