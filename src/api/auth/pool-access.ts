// Refuses a workflow action in a pool the caller's roles do not allow.
import { userError } from '../../core/index.js';
import type { RoleDocumentLike } from '../../identity/index.js';
import { canUsePool } from '../../identity/index.js';
import type { Caller } from './caller.js';

/** `documents`: the stored roles (ROLE config), which decide for the roles they name. */
export function assertCanUsePool(
  caller: Caller | null,
  pool: string,
  documents: readonly RoleDocumentLike[] = [],
): void {
  if (caller === null || !canUsePool(caller, pool, documents)) {
    throw userError(`access denied: your roles do not allow pool ${pool}`, 403);
  }
}
