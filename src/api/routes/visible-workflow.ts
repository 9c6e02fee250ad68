// Loads a workflow the caller may see: their own, or any for admins; others look exactly like unknown ones.
import { databaseError } from '../../core/index.js';
import type { Workflow } from '../../store/index.js';
import type { Caller } from '../auth/caller.js';
import { isAdmin } from '../auth/caller.js';
import type { ApiDeps } from '../deps.js';

export async function visibleWorkflow(deps: ApiDeps, caller: Caller | null, name: string): Promise<Workflow> {
  const workflow = await deps.store.workflows.get(name);
  if (workflow === null || caller === null || (workflow.submittedBy !== caller.user && !isAdmin(caller))) {
    throw databaseError(`Workflow ${name} is not found.`);
  }
  return workflow;
}
