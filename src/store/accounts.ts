// The account repository: user search and deletion, password hashes and personal-token roles.
import { sql } from 'kysely';
import { readTime, writeTime } from './codec.js';
import type { StoreContext } from './context.js';
import type { User, UserRole } from './types.js';

export interface UserSearch {
  readonly idPrefix?: string;
  /** Users holding any of these roles. */
  readonly roles?: readonly string[];
  /** 1-based. */
  readonly startIndex: number;
  readonly count: number;
}

export interface AccountRepository {
  /** Newest first, with the total before paging. */
  searchUsers(search: UserSearch): Promise<{ total: number; users: User[] }>;
  /** Deletes the user; roles, tokens, passwords, data key and credentials go with it. */
  deleteUser(id: string): Promise<boolean>;
  setPasswordHash(userId: string, hash: string, at: Date): Promise<void>;
  getPasswordHash(userId: string): Promise<string | null>;
  setTokenRoles(
    userName: string,
    tokenName: string,
    roles: readonly string[],
    assignedBy: string,
    at: Date,
  ): Promise<void>;
  getTokenRoles(userName: string, tokenName: string): Promise<UserRole[]>;
  /**
   * The roles a caller holds now, sorted: the user's own, cut down to the token's for a personal token.
   * One indexed query, made on every request.
   */
  effectiveRoles(userName: string, personalTokenName: string | null): Promise<string[]>;
  /** Drops a role from every token of the user (the user lost that role). */
  removeRoleFromTokens(userName: string, role: string): Promise<void>;
}

export function createAccountRepository(ctx: StoreContext): AccountRepository {
  return {
    async searchUsers(search) {
      let query = ctx.db.selectFrom('users');
      if (search.idPrefix !== undefined && search.idPrefix !== '') {
        query = query.where(ctx.dialect.wildcardMatch(sql.ref('id'), [search.idPrefix, '']));
      }
      if (search.roles !== undefined && search.roles.length > 0) {
        const roles = search.roles;
        query = query.where('id', 'in', (qb) =>
          qb.selectFrom('user_roles').select('user_id').where('role_name', 'in', roles),
        );
      }
      const total = await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      const rows = await query
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .offset(search.startIndex - 1)
        .limit(search.count)
        .execute();
      return {
        total: Number(total.n),
        users: rows.map((r) => ({ id: r.id, createdAt: readTime(r.created_at), createdBy: r.created_by })),
      };
    },
    async deleteUser(id) {
      // Token roles reference tokens, which SQLite cascades only when foreign keys are on; delete explicitly.
      await ctx.db.deleteFrom('access_token_roles').where('user_name', '=', id).execute();
      await ctx.db.deleteFrom('credential').where('user_name', '=', id).execute();
      const result = await ctx.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async setPasswordHash(userId, hash, at) {
      await ctx.db
        .insertInto('user_passwords')
        .values({ user_id: userId, password_hash: hash, updated_at: writeTime(at) })
        .onConflict((oc) =>
          oc.column('user_id').doUpdateSet({ password_hash: hash, updated_at: writeTime(at) }),
        )
        .execute();
    },
    async getPasswordHash(userId) {
      const row = await ctx.db
        .selectFrom('user_passwords')
        .select('password_hash')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row?.password_hash ?? null;
    },
    async setTokenRoles(userName, tokenName, roles, assignedBy, at) {
      await ctx.db
        .deleteFrom('access_token_roles')
        .where('user_name', '=', userName)
        .where('token_name', '=', tokenName)
        .execute();
      const unique = [...new Set(roles)];
      if (unique.length === 0) return;
      await ctx.db
        .insertInto('access_token_roles')
        .values(
          unique.map((role) => ({
            user_name: userName,
            token_name: tokenName,
            role_name: role,
            assigned_by: assignedBy,
            assigned_at: writeTime(at),
          })),
        )
        .execute();
    },
    async getTokenRoles(userName, tokenName) {
      const rows = await ctx.db
        .selectFrom('access_token_roles')
        .selectAll()
        .where('user_name', '=', userName)
        .where('token_name', '=', tokenName)
        .orderBy('role_name')
        .execute();
      return rows.map((r) => ({
        roleName: r.role_name,
        assignedBy: r.assigned_by,
        assignedAt: readTime(r.assigned_at),
      }));
    },
    async effectiveRoles(userName, personalTokenName) {
      let query = ctx.db
        .selectFrom('user_roles')
        .select('user_roles.role_name')
        .where('user_roles.user_id', '=', userName);
      if (personalTokenName !== null) {
        query = query.where('user_roles.role_name', 'in', (qb) =>
          qb
            .selectFrom('access_token_roles')
            .select('access_token_roles.role_name')
            .where('access_token_roles.user_name', '=', userName)
            .where('access_token_roles.token_name', '=', personalTokenName),
        );
      }
      const rows = await query.orderBy('user_roles.role_name').execute();
      return rows.map((r) => r.role_name);
    },
    async removeRoleFromTokens(userName, role) {
      await ctx.db
        .deleteFrom('access_token_roles')
        .where('user_name', '=', userName)
        .where('role_name', '=', role)
        .execute();
    },
  };
}
