// Where an attempt's pool and platform put it, resolved from the live configuration at launch, for
// backends whose own scheduler places the work (Kubernetes pods carry the platform's node selector).
import type { LaunchPlacement } from '../core/index.js';
import type { TaskSpec, WorkflowSpec } from '../spec/index.js';
import type { Workflow } from '../store/index.js';
import type { EngineContext } from './context.js';

export function launchPlacement(
  ctx: EngineContext,
  workflow: Workflow,
  spec: WorkflowSpec,
  task: TaskSpec,
): LaunchPlacement {
  const pool = workflow.pool ?? '';
  const poolConfig = ctx.config.current().pools[pool];
  const platform = task.resource.platform ?? poolConfig?.default_platform ?? '';
  return {
    pool,
    platform,
    nodeLabels: poolConfig?.platforms[platform]?.labels ?? {},
    nodesExcluded: task.resource.nodesExcluded,
    submittedBy: workflow.submittedBy,
    lead: task.lead,
    workflowLabels: spec.labels,
  };
}
