// Migration 002: passwords, personal-token roles, per-user data keys and encrypted credentials.
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect/index.js';

export async function identitySchema(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const { timestamp } = dialect.columnTypes;

  await db.schema
    .createTable('user_passwords')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();

  // A token's roles; removing a role from the user removes it from the user's tokens.
  await db.schema
    .createTable('access_token_roles')
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('token_name', 'text', (c) => c.notNull())
    .addColumn('role_name', 'text', (c) => c.notNull())
    .addColumn('assigned_by', 'text', (c) => c.notNull())
    .addColumn('assigned_at', timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('access_token_roles_pkey', ['user_name', 'token_name', 'role_name'])
    .addForeignKeyConstraint(
      'access_token_roles_token_fkey',
      ['user_name', 'token_name'],
      'access_token',
      ['user_name', 'token_name'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();

  // The user's data key, wrapped by the master key; deleting the user makes its credentials unreadable.
  await db.schema
    .createTable('ueks')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('wrapped_key', 'text', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('credential')
    .addColumn('user_name', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('cred_name', 'text', (c) => c.notNull())
    .addColumn('cred_type', 'text', (c) => c.notNull())
    .addColumn('profile', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('credential_pkey', ['user_name', 'cred_name'])
    .execute();
}
