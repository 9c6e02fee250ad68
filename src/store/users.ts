// The user repository: users (upserted implicitly) and their role assignments.
import { readTime, writeTime } from './codec.js';
import type { Row, StoreContext } from './context.js';
import type { UserRepository } from './repositories.js';
import type { User } from './types.js';

function toUser(row: Row<'users'>): User {
  return { id: row.id, createdAt: readTime(row.created_at), createdBy: row.created_by };
}

export function createUserRepository(ctx: StoreContext): UserRepository {
  const addRoles: UserRepository['addRoles'] = async (userId, roles, assignedBy, at = new Date()) => {
    const unique = [...new Set(roles)];
    if (unique.length === 0) return;
    await ctx.db
      .insertInto('user_roles')
      .values(
        unique.map((role) => ({
          user_id: userId,
          role_name: role,
          assigned_by: assignedBy,
          assigned_at: writeTime(at),
        })),
      )
      .onConflict((oc) => oc.columns(['user_id', 'role_name']).doNothing())
      .execute();
  };
  return {
    async upsert(id, createdBy, at = new Date()) {
      await ctx.db
        .insertInto('users')
        .values({ id, created_by: createdBy, created_at: writeTime(at) })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const row = await ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return toUser(row);
    },
    async get(id) {
      const row = await ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toUser(row) : null;
    },
    async list() {
      const rows = await ctx.db.selectFrom('users').selectAll().orderBy('id').execute();
      return rows.map(toUser);
    },
    addRoles,
    async setRoles(userId, roles, assignedBy, at = new Date()) {
      const keep = [...new Set(roles)];
      let remove = ctx.db.deleteFrom('user_roles').where('user_id', '=', userId);
      if (keep.length > 0) remove = remove.where('role_name', 'not in', keep);
      await remove.execute();
      await addRoles(userId, keep, assignedBy, at);
    },
    async removeRoles(userId, roles) {
      if (roles.length === 0) return;
      await ctx.db
        .deleteFrom('user_roles')
        .where('user_id', '=', userId)
        .where('role_name', 'in', roles)
        .execute();
    },
    async getRoles(userId) {
      const rows = await ctx.db
        .selectFrom('user_roles')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('role_name')
        .execute();
      return rows.map((r) => ({
        roleName: r.role_name,
        assignedBy: r.assigned_by,
        assignedAt: readTime(r.assigned_at),
      }));
    },
  };
}
