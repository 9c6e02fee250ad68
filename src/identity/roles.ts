// The role vocabulary and pool access by role, decided in one place.
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

/** A stored role (ROLE config): policies of actions on resources, `*` a wildcard in both. */
export interface RoleDocumentLike {
  readonly name: string;
  readonly policies: readonly {
    readonly effect: 'Allow' | 'Deny';
    readonly actions: readonly string[];
    readonly resources: readonly string[];
  }[];
}

const globMatches = (pattern: string, value: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value);

/** `workflow:Create` on `pool/<pool>` decides pool access; within a role Deny wins. */
function documentAllowsPool(doc: RoleDocumentLike, pool: string): boolean {
  const matching = doc.policies.filter(
    (p) =>
      p.actions.some((a) => globMatches(a, 'workflow:Create')) &&
      (p.resources.length === 0 ? ['*'] : p.resources).some((r) => globMatches(r, `pool/${pool}`)),
  );
  return matching.some((p) => p.effect === 'Allow') && !matching.some((p) => p.effect === 'Deny');
}

/**
 * Whether any of `roles` may submit to, restart in and cancel in `pool`. A stored role document
 * decides for its role; without one, the name rules of the default and generated pool roles apply.
 */
export function canUsePool(
  caller: { readonly roles: readonly string[] },
  pool: string,
  documents: readonly RoleDocumentLike[] = [],
): boolean {
  return caller.roles.some((role) => {
    if (role === ADMIN_ROLE_NAME) return true;
    if (role === USER_ROLE_NAME) return pool === USER_ROLE_POOL;
    const doc = isDefaultRole(role) ? undefined : documents.find((d) => d.name === role);
    if (doc !== undefined) return documentAllowsPool(doc, pool);
    const prefix = poolPrefixOf(role);
    return prefix !== null && pool.startsWith(prefix);
  });
}

/** The subset of `pools` the caller may use, in the given order (`pool list`, `profile list`). */
export function allowedPools(
  caller: { readonly roles: readonly string[] },
  pools: readonly string[],
  documents: readonly RoleDocumentLike[] = [],
): string[] {
  return pools.filter((pool) => canUsePool(caller, pool, documents));
}

/** A role exists when it is a default role, a stored role, or the pool role of an existing pool. */
export function roleExists(
  role: string,
  pools: readonly string[],
  documents: readonly RoleDocumentLike[] = [],
): boolean {
  if (isDefaultRole(role) || documents.some((d) => d.name === role)) return true;
  const prefix = poolPrefixOf(role);
  return prefix !== null && pools.some((pool) => pool.startsWith(prefix));
}
