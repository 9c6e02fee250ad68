// Parsed specs by workflow: a submitted spec never changes, so each is read and indexed once and then
// looked up by name, instead of parsed and scanned again on every report and launch.
import type { GroupSpec, TaskSpec, WorkflowSpec } from '../spec/index.js';
import type { Workflow } from '../store/index.js';
import type { EngineContext } from './context.js';

export interface IndexedSpec {
  readonly spec: WorkflowSpec;
  /** The stored spec texts, as immutable as the spec. */
  readonly texts: Pick<Workflow, 'specText' | 'templateSpecText'>;
  readonly groups: ReadonlyMap<string, GroupSpec>;
  readonly tasks: ReadonlyMap<string, TaskSpec>;
  /** Groups that list each group as upstream. */
  readonly downstream: ReadonlyMap<string, readonly string[]>;
  readonly taskCount: number;
}

/** Bounded by tasks held, not by workflows, so a few wide specs weigh what many small ones do. */
const MAX_CACHED_TASKS = 200_000;
const MAX_CACHED_WORKFLOWS = 4096;

const cache = new Map<string, IndexedSpec>();
let cachedTasks = 0;

/** The stored spec, typed: the store keeps what submit and restart gave it, a WorkflowSpec. */
export const specOf = (workflow: Workflow): WorkflowSpec => indexedSpecOf(workflow).spec;

export const groupSpecOf = (workflow: Workflow, groupName: string): GroupSpec | undefined =>
  indexedSpecOf(workflow).groups.get(groupName);

export const taskSpecOf = (workflow: Workflow, taskName: string): TaskSpec | undefined =>
  indexedSpecOf(workflow).tasks.get(taskName);

export function indexedSpecOf(workflow: Workflow): IndexedSpec {
  const hit = cache.get(workflow.workflowUuid);
  if (hit !== undefined) {
    // Most recently used last, so the oldest entry is the first to go.
    cache.delete(workflow.workflowUuid);
    cache.set(workflow.workflowUuid, hit);
    return hit;
  }
  const indexed = indexSpec(workflow.specJson as WorkflowSpec, workflow);
  cache.set(workflow.workflowUuid, indexed);
  cachedTasks += indexed.taskCount;
  for (const [uuid, old] of cache) {
    if (cache.size <= 1 || (cachedTasks <= MAX_CACHED_TASKS && cache.size <= MAX_CACHED_WORKFLOWS)) break;
    cache.delete(uuid);
    cachedTasks -= old.taskCount;
  }
  return indexed;
}

function indexSpec(spec: WorkflowSpec, texts: IndexedSpec['texts']): IndexedSpec {
  const groups = new Map<string, GroupSpec>();
  const tasks = new Map<string, TaskSpec>();
  const downstream = new Map<string, string[]>();
  for (const group of spec.groups) {
    groups.set(group.name, group);
    for (const task of group.tasks) tasks.set(task.name, task);
    for (const up of group.upstreamGroups) {
      const list = downstream.get(up);
      if (list === undefined) downstream.set(up, [group.name]);
      else list.push(group.name);
    }
  }
  const { specText, templateSpecText } = texts;
  return { spec, texts: { specText, templateSpecText }, groups, tasks, downstream, taskCount: tasks.size };
}

/**
 * A workflow as the engine reads it on every report and pass: once its spec is held, only the
 * columns that change are read, not spec texts of up to megabytes that never do.
 */
export async function readWorkflow(ctx: EngineContext, workflowUuid: string): Promise<Workflow | null> {
  const held = cache.get(workflowUuid);
  if (held === undefined) {
    const workflow = await ctx.store.workflows.get(workflowUuid);
    if (workflow !== null && workflow.specJson !== null) indexedSpecOf(workflow);
    return workflow;
  }
  const summary = await ctx.store.workflows.getSummary(workflowUuid);
  return summary && { ...summary, ...held.texts, specJson: held.spec };
}
