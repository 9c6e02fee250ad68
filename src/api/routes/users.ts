// User and role administration, admin only, as `osmo user` calls it.
import { z } from 'zod';
import { userError } from '../../core/index.js';
import type { RoleDocumentLike } from '../../identity/index.js';
import { hashPassword, MIN_PASSWORD_LENGTH, roleExists } from '../../identity/index.js';
import type { Store, User, UserRole } from '../../store/index.js';
import { repeated } from '../contract/query-values.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import {
  UserEntry,
  UserPage,
  UserRoleAdded,
  UserRoles,
  UserWithRoles,
  type RoleAssignment,
} from '../contract/auth-wire.js';
import { Done } from '../contract/wire-registry.js';

export const USER_ID = /^[a-zA-Z0-9]([a-zA-Z0-9_.@-]*[a-zA-Z0-9])?$/;

export interface UserRouteDeps {
  readonly store: Store;
  readonly now: () => Date;
  /** Names of the pools that exist, for pool-role checks. */
  readonly pools: () => Promise<readonly string[]>;
  /** The stored roles (ROLE config), which exist besides the default and pool roles. */
  readonly roles?: () => readonly RoleDocumentLike[];
}

export const userJson = (u: User): UserEntry => ({
  id: u.id,
  created_at: u.createdAt.toISOString(),
  created_by: u.createdBy,
});

export const roleJson = (r: UserRole): RoleAssignment => ({
  role_name: r.roleName,
  assigned_by: r.assignedBy,
  assigned_at: r.assignedAt.toISOString(),
});

const UserParams = z.object({ user_id: z.string() });

async function existingUser(store: Store, id: string): Promise<User> {
  const user = await store.users.get(id);
  if (user === null) throw userError(`User ${id} not found`);
  return user;
}

async function checkRoles(deps: UserRouteDeps, roles: readonly string[]): Promise<void> {
  const pools = await deps.pools();
  for (const role of roles)
    if (!roleExists(role, pools, deps.roles?.() ?? [])) throw userError(`Role ${role} does not exist`);
}

export function userRoutes(deps: UserRouteDeps): RouteList {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/auth/user',
      operationId: 'listUsers',
      response: UserPage,
      summary: 'List users, newest first',
      access: 'admin',
      query: z.object({
        start_index: z.coerce.number().int().min(1).default(1),
        count: z.coerce
          .number()
          .int()
          .default(100)
          .transform((n) => Math.min(1000, Math.max(1, n))),
        id_prefix: z.string().optional(),
        roles: repeated,
      }),
      handler: async ({ query }) => {
        const { total, users } = await deps.store.accounts.searchUsers({
          startIndex: query.start_index,
          count: query.count,
          roles: query.roles,
          ...(query.id_prefix === undefined ? {} : { idPrefix: query.id_prefix }),
        });
        return {
          total_results: total,
          start_index: query.start_index,
          items_per_page: query.count,
          users: users.map(userJson),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/auth/user',
      operationId: 'createUser',
      response: UserEntry,
      summary: 'Create a user with roles and, optionally, a password for the password and code logins',
      access: 'admin',
      body: z.object({
        id: z.string(),
        roles: z.array(z.string()).nullish(),
        password: z.string().max(1024).nullish(),
      }),
      handler: async ({ body, caller }) => {
        if (!USER_ID.test(body.id)) throw userError(`Invalid user id ${body.id}`);
        if ((await deps.store.users.get(body.id)) !== null) throw userError(`User ${body.id} already exists`);
        const roles = body.roles ?? [];
        await checkRoles(deps, roles);
        if (body.password != null && body.password.length < MIN_PASSWORD_LENGTH) {
          throw userError(`A password must have at least ${MIN_PASSWORD_LENGTH} characters.`);
        }
        const by = caller?.user ?? null;
        const at = deps.now();
        const user = await deps.store.users.upsert(body.id, by, at);
        await deps.store.users.addRoles(body.id, roles, by ?? 'osmo', at);
        if (body.password != null) {
          await deps.store.accounts.setPasswordHash(body.id, await hashPassword(body.password), at);
        }
        return userJson(user);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/auth/user/:user_id',
      operationId: 'getUser',
      response: UserWithRoles,
      summary: 'A user and its roles',
      access: 'admin',
      params: UserParams,
      handler: async ({ params }) => {
        const user = await existingUser(deps.store, params.user_id);
        return { ...userJson(user), roles: (await deps.store.users.getRoles(user.id)).map(roleJson) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/auth/user/:user_id',
      operationId: 'deleteUser',
      response: Done,
      summary: 'Delete a user with its roles, tokens, password, data key and credentials',
      access: 'admin',
      params: UserParams,
      handler: async ({ params }) => {
        await existingUser(deps.store, params.user_id);
        await deps.store.accounts.deleteUser(params.user_id);
        return null;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/auth/user/:user_id/roles',
      operationId: 'getUserRoles',
      response: UserRoles,
      summary: "A user's roles",
      access: 'admin',
      params: UserParams,
      handler: async ({ params }) => {
        await existingUser(deps.store, params.user_id);
        return {
          user_id: params.user_id,
          roles: (await deps.store.users.getRoles(params.user_id)).map(roleJson),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/auth/user/:user_id/roles',
      operationId: 'addUserRole',
      response: UserRoleAdded,
      summary: 'Assign a role to a user (idempotent)',
      access: 'admin',
      params: UserParams,
      body: z.object({ role_name: z.string() }),
      handler: async ({ params, body, caller }) => {
        await existingUser(deps.store, params.user_id);
        await checkRoles(deps, [body.role_name]);
        await deps.store.users.addRoles(params.user_id, [body.role_name], caller?.user ?? 'osmo', deps.now());
        const role = (await deps.store.users.getRoles(params.user_id)).find(
          (r) => r.roleName === body.role_name,
        );
        return { user_id: params.user_id, ...(role === undefined ? {} : roleJson(role)) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/auth/user/:user_id/roles/:role_name',
      operationId: 'removeUserRole',
      response: Done,
      summary: 'Remove a role from a user and from all of its tokens',
      access: 'admin',
      params: z.object({ user_id: z.string(), role_name: z.string() }),
      handler: async ({ params }) => {
        await existingUser(deps.store, params.user_id);
        await deps.store.users.removeRoles(params.user_id, [params.role_name]);
        await deps.store.accounts.removeRoleFromTokens(params.user_id, params.role_name);
        return null;
      },
    }),
  ];
}
