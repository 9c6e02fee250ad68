// Migration 010: the engine's lease, for several services on one PostgreSQL database. One row per
// lease name: who holds it, the term (bumped on every change of holder, what fenced writes check) and
// when it lapses unless renewed.
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect/index.js';

export async function serviceLeaseSchema(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('service_lease')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('term', 'integer', (c) => c.notNull())
    .addColumn('expires_at', dialect.columnTypes.timestamp, (c) => c.notNull())
    .execute();
}
