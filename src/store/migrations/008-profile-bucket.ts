// Migration 008: each user's default dataset bucket (`osmo profile set bucket`); null falls back
// to the deployment's default bucket.
import type { Kysely } from 'kysely';

export async function profileBucket(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('profile').addColumn('bucket', 'text').execute();
}
