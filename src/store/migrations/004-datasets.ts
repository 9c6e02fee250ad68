// Migration 004: the legacy dataset tables (datasets and collections, versions, tags, members).
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect/index.js';

export async function datasetSchema(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const { timestamp, json, bool } = dialect.columnTypes;
  await db.schema
    .createTable('dataset')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_date', timestamp, (c) => c.notNull())
    .addColumn('is_collection', bool, (c) => c.notNull())
    .addColumn('labels', json, (c) => c.notNull())
    .addColumn('hash_location', 'text')
    .addColumn('hash_location_size', 'bigint', (c) => c.notNull())
    .addColumn('last_version', 'integer', (c) => c.notNull())
    .addUniqueConstraint('dataset_name_bucket_key', ['name', 'bucket'])
    .execute();
  await db.schema
    .createTable('dataset_version')
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('dataset.id').onDelete('cascade'))
    .addColumn('version_id', 'text', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_date', timestamp, (c) => c.notNull())
    .addColumn('last_used', timestamp, (c) => c.notNull())
    .addColumn('last_updated', timestamp, (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('metadata', json, (c) => c.notNull())
    .addPrimaryKeyConstraint('dataset_version_pk', ['dataset_id', 'version_id'])
    .execute();
  await db.schema
    .createTable('dataset_tag')
    .addColumn('dataset_id', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('version_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('dataset_tag_pk', ['dataset_id', 'tag'])
    .addForeignKeyConstraint(
      'dataset_tag_version_fk',
      ['dataset_id', 'version_id'],
      'dataset_version',
      ['dataset_id', 'version_id'],
      (c) => c.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createTable('collection')
    .addColumn('id', 'text', (c) => c.notNull().references('dataset.id').onDelete('cascade'))
    .addColumn('dataset_id', 'text', (c) => c.notNull())
    .addColumn('version_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('collection_pk', ['id', 'dataset_id'])
    .addForeignKeyConstraint(
      'collection_version_fk',
      ['dataset_id', 'version_id'],
      'dataset_version',
      ['dataset_id', 'version_id'],
      (c) => c.onDelete('cascade'),
    )
    .execute();
  await db.schema.createIndex('dataset_created_by').on('dataset').column('created_by').execute();
}
