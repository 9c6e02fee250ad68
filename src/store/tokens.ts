// The token repository: personal access tokens, login sessions and task grants, stored only as hashes.
import { readTime, readTimeOrNull, writeTime, writeTimeOrNull } from './codec.js';
import type { Row, StoreContext } from './context.js';
import type { TokenRepository } from './repositories.js';
import type { AccessToken, TokenKind } from './types.js';

function toToken(row: Row<'access_token'>): AccessToken {
  return {
    userName: row.user_name,
    tokenName: row.token_name,
    tokenHash: row.access_token,
    expiresAt: readTimeOrNull(row.expires_at),
    description: row.description,
    kind: row.kind as TokenKind,
    createdAt: readTime(row.created_at),
    lastSeenAt: readTimeOrNull(row.last_seen_at),
  };
}

export function createTokenRepository(ctx: StoreContext): TokenRepository {
  return {
    async create(token) {
      const row = await ctx.db
        .insertInto('access_token')
        .values({
          user_name: token.userName,
          token_name: token.tokenName,
          access_token: token.tokenHash,
          expires_at: writeTimeOrNull(token.expiresAt),
          description: token.description ?? null,
          kind: token.kind,
          created_at: writeTime(token.createdAt ?? new Date()),
          last_seen_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toToken(row);
    },
    async findByHash(tokenHash) {
      const row = await ctx.db
        .selectFrom('access_token')
        .selectAll()
        .where('access_token', '=', tokenHash)
        .executeTakeFirst();
      return row ? toToken(row) : null;
    },
    async findGrant(userName, tokenName) {
      const row = await ctx.db
        .selectFrom('access_token')
        .innerJoin('users', 'users.id', 'access_token.user_name')
        .selectAll('access_token')
        .where('access_token.user_name', '=', userName)
        .where('access_token.token_name', '=', tokenName)
        .executeTakeFirst();
      return row ? toToken(row) : null;
    },
    async listByUser(userName, kind) {
      let query = ctx.db.selectFrom('access_token').selectAll().where('user_name', '=', userName);
      if (kind !== undefined) query = query.where('kind', '=', kind);
      const rows = await query.orderBy('token_name').execute();
      return rows.map(toToken);
    },
    async deleteByName(userName, tokenName) {
      const result = await ctx.db
        .deleteFrom('access_token')
        .where('user_name', '=', userName)
        .where('token_name', '=', tokenName)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async deleteByHash(tokenHash) {
      const result = await ctx.db
        .deleteFrom('access_token')
        .where('access_token', '=', tokenHash)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async deleteNamed(tokenName, kind) {
      const result = await ctx.db
        .deleteFrom('access_token')
        .where('token_name', '=', tokenName)
        .where('kind', '=', kind)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async touch(tokenHash, at) {
      await ctx.db
        .updateTable('access_token')
        .set({ last_seen_at: writeTime(at) })
        .where('access_token', '=', tokenHash)
        .execute();
    },
  };
}
