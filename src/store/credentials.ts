// The credential repository: per-user data keys (wrapped) and credentials (payload values encrypted).
import { readTime, writeTime } from './codec.js';
import type { Row, StoreContext } from './context.js';

export const CREDENTIAL_TYPES = ['DATA', 'REGISTRY', 'GENERIC'] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

/** A stored credential; `payload` maps each key to its encrypted value, never plain text. */
export interface StoredCredential {
  readonly userName: string;
  readonly credName: string;
  readonly credType: CredentialType;
  readonly profile: string | null;
  readonly payload: Readonly<Record<string, string>>;
  readonly createdAt: Date;
}

export interface CredentialRepository {
  getWrappedKey(userId: string): Promise<string | null>;
  /** Stores the wrapped key unless one exists; returns the one that is stored. */
  putWrappedKeyOnce(userId: string, wrapped: string, at: Date): Promise<string>;
  list(userName: string): Promise<StoredCredential[]>;
  get(userName: string, credName: string): Promise<StoredCredential | null>;
  /** Inserts, or replaces the row of the same name; the caller resolves profile clashes first. */
  put(credential: StoredCredential): Promise<void>;
  delete(userName: string, credName: string): Promise<boolean>;
}

function toCredential(row: Row<'credential'>): StoredCredential {
  return {
    userName: row.user_name,
    credName: row.cred_name,
    credType: row.cred_type as CredentialType,
    profile: row.profile,
    payload: JSON.parse(row.payload) as Record<string, string>,
    createdAt: readTime(row.created_at),
  };
}

export function createCredentialRepository(ctx: StoreContext): CredentialRepository {
  return {
    async getWrappedKey(userId) {
      const row = await ctx.db
        .selectFrom('ueks')
        .select('wrapped_key')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row?.wrapped_key ?? null;
    },
    async putWrappedKeyOnce(userId, wrapped, at) {
      await ctx.db
        .insertInto('ueks')
        .values({ user_id: userId, wrapped_key: wrapped, created_at: writeTime(at) })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .execute();
      const row = await ctx.db
        .selectFrom('ueks')
        .select('wrapped_key')
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      return row.wrapped_key;
    },
    async list(userName) {
      const rows = await ctx.db
        .selectFrom('credential')
        .selectAll()
        .where('user_name', '=', userName)
        .orderBy('cred_name')
        .execute();
      return rows.map(toCredential);
    },
    async get(userName, credName) {
      const row = await ctx.db
        .selectFrom('credential')
        .selectAll()
        .where('user_name', '=', userName)
        .where('cred_name', '=', credName)
        .executeTakeFirst();
      return row ? toCredential(row) : null;
    },
    async put(c) {
      const values = {
        user_name: c.userName,
        cred_name: c.credName,
        cred_type: c.credType,
        profile: c.profile,
        payload: JSON.stringify(c.payload),
        created_at: writeTime(c.createdAt),
      };
      await ctx.db
        .insertInto('credential')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['user_name', 'cred_name']).doUpdateSet({
            cred_type: values.cred_type,
            profile: values.profile,
            payload: values.payload,
            created_at: values.created_at,
          }),
        )
        .execute();
    },
    async delete(userName, credName) {
      const result = await ctx.db
        .deleteFrom('credential')
        .where('user_name', '=', userName)
        .where('cred_name', '=', credName)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
