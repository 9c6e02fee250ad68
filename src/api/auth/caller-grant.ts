// Who a verified access token speaks for right now: its grant must still exist and the roles come from the store.
import type { Store } from '../../store/index.js';
import { ADMIN_ROLE, type Caller } from './caller.js';
import type { AccessClaims } from './jwt.js';

/**
 * The caller behind verified claims, or null when the session was closed, the personal token deleted
 * or expired, or the user deleted. Roles are read from the store on every call, never taken from the
 * claims, so removing a role takes effect on the next request. Two primary-key lookups.
 */
export async function callerFromClaims(
  store: Store,
  claims: AccessClaims,
  now: Date,
): Promise<Caller | null> {
  const personal = claims.osmo_token_name ?? null;
  const task = personal === null ? (claims.osmo_task ?? null) : null;
  const grantName = personal ?? task ?? claims.osmo_session;
  // A token naming no grant cannot be revoked, so it is not accepted.
  if (grantName === undefined) return null;
  const kind = personal !== null ? 'personal' : task !== null ? 'task' : 'session';
  const grant = await store.tokens.findGrant(claims.unique_name, grantName);
  if (grant === null || grant.kind !== kind) return null;
  if (grant.expiresAt !== null && grant.expiresAt.getTime() <= now.getTime()) return null;
  const roles = await store.accounts.effectiveRoles(grant.userName, personal);
  if (task !== null) {
    // A task speaks for its workflow's user with less than the user may: no admin role, whatever the user holds.
    return {
      user: grant.userName,
      roles: roles.filter((r) => r !== ADMIN_ROLE),
      tokenName: null,
      taskScoped: true,
    };
  }
  return { user: grant.userName, roles, tokenName: personal };
}
