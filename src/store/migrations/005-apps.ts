// Migration 005: app versions (the `apps` table itself comes from 001); each version keeps its immutable spec text.
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect/index.js';

export async function appVersionsSchema(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const { timestamp } = dialect.columnTypes;
  await db.schema
    .createTable('app_versions')
    .addColumn('app_uuid', 'text', (c) => c.notNull().references('apps.uuid').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_date', timestamp, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    // Null once the version is deleted: the text is gone, the row keeps the history.
    .addColumn('spec_text', 'text')
    .addPrimaryKeyConstraint('app_versions_pk', ['app_uuid', 'version'])
    .execute();
  await db.schema.createIndex('app_versions_created_by').on('app_versions').column('created_by').execute();
  await db.schema
    .createIndex('workflows_app_uuid')
    .on('workflows')
    .columns(['app_uuid', 'submitted_by'])
    .execute();
}
