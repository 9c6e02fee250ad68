// The role vocabulary and pool access by role (service-api.md §6.2, §6.7), decided in one place.
import { ADMIN_ROLE_NAME, USER_ROLE_NAME } from './role-names.js';

export const DEFAULT_ROLES = [
  ADMIN_ROLE_NAME,
  USER_ROLE_NAME,
  'osmo-backend',
  'osmo-ctrl',
  'osmo-default',
] as const;

/** The pool `osmo-user` may submit to (its `workflow:*` grant on `pool/default`). */
export const USER_ROLE_POOL = 'default';

const isDefaultRole = (role: string): boolean => (DEFAULT_ROLES as readonly string[]).includes(role);

/** Pool roles are `osmo-<prefix>`, granting pools whose names start with the prefix (`osmo config set ROLE --type POOL`). */
function poolPrefixOf(role: string): string | null {
  if (isDefaultRole(role) || !role.startsWith('osmo-')) return null;
  const prefix = role.slice('osmo-'.length);
  return prefix === '' ? null : prefix;
}

/** Whether any of `roles` may submit to, restart in and cancel in `pool`. */
export function canUsePool(caller: { readonly roles: readonly string[] }, pool: string): boolean {
  return caller.roles.some((role) => {
    if (role === ADMIN_ROLE_NAME) return true;
    if (role === USER_ROLE_NAME) return pool === USER_ROLE_POOL;
    const prefix = poolPrefixOf(role);
    return prefix !== null && pool.startsWith(prefix);
  });
}

/** The subset of `pools` the caller may use, in the given order (`pool list`, `profile list`). */
export function allowedPools(
  caller: { readonly roles: readonly string[] },
  pools: readonly string[],
): string[] {
  return pools.filter((pool) => canUsePool(caller, pool));
}

/** A role exists when it is a default role or the pool role of an existing pool. */
export function roleExists(role: string, pools: readonly string[]): boolean {
  if (isDefaultRole(role)) return true;
  const prefix = poolPrefixOf(role);
  return prefix !== null && pools.some((pool) => pool.startsWith(prefix));
}
