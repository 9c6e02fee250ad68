// Whose tasks, in which pools, a caller may list: their own anywhere, anyone's in the pools they may use.
import type { RoleDocumentLike } from '../../identity/index.js';
import { allowedPools } from '../../identity/index.js';
import type { Caller } from './caller.js';
import { isAdmin } from './caller.js';

export interface TaskListRequest {
  readonly users: readonly string[];
  readonly allUsers: boolean;
  readonly pools: readonly string[];
  readonly allPools: boolean;
}

/** `undefined` means no filter on that field. */
export interface TaskListScope {
  readonly users: readonly string[] | undefined;
  readonly pools: readonly string[] | undefined;
}

/**
 * Upstream lets anyone list every user's tasks; osmo narrows other users' tasks to the pools the
 * caller's roles allow, so a pool's work is visible to those who share it and to nobody else.
 * Null when nothing can match (no allowed pool among those asked for).
 */
export function taskListScope(
  caller: Caller,
  request: TaskListRequest,
  poolNames: readonly string[],
  roleDocuments: readonly RoleDocumentLike[],
): TaskListScope | null {
  const asked = request.allPools || request.pools.length === 0 ? undefined : request.pools;
  const users = request.users.length > 0 ? [...request.users] : request.allUsers ? undefined : [caller.user];
  const onlyOwn = users !== undefined && users.every((u) => u === caller.user);
  if (isAdmin(caller) || onlyOwn) return { users, pools: asked };
  const allowed = allowedPools(caller, asked ?? poolNames, roleDocuments);
  return allowed.length === 0 ? null : { users, pools: allowed };
}
