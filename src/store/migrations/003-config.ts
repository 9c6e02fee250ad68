// Migration 003: configuration history and user profiles.
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect/index.js';

export async function configSchema(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const { timestamp, json, bool } = dialect.columnTypes;
  await dialect
    .addIdColumn(db.schema.createTable('config_history'), 'id')
    .addColumn('config_type', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('tags', json, (c) => c.notNull())
    .addColumn('data', json, (c) => c.notNull())
    .addColumn('deleted_by', 'text')
    .addColumn('deleted_at', timestamp)
    .addUniqueConstraint('config_history_type_revision_key', ['config_type', 'revision'])
    .execute();
  await db.schema
    .createTable('profile')
    .addColumn('user_name', 'text', (c) => c.primaryKey())
    .addColumn('email_notification', bool, (c) => c.notNull())
    .addColumn('slack_notification', bool, (c) => c.notNull())
    .addColumn('pool', 'text')
    .execute();
}
