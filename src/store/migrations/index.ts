// The numbered migrations, applied in order at every open; each runs once per database.
import { Migrator } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import { databaseError } from '../../core/index.js';
import type { StoreDialect } from '../dialect/index.js';
import { initialSchema } from './001-initial-schema.js';
import { identitySchema } from './002-identity.js';
import { configSchema } from './003-config.js';
import { datasetSchema } from './004-datasets.js';
import { appVersionsSchema } from './005-apps.js';
import { dispatchIndex } from './006-dispatch-index.js';
import { listIndexes } from './007-list-indexes.js';
import { profileBucket } from './008-profile-bucket.js';
import { notificationsSchema } from './009-notifications.js';
import { serviceLeaseSchema } from './010-service-lease.js';

type MigrationStep = (db: Kysely<unknown>, dialect: StoreDialect) => Promise<void>;

// Names sort in application order; never rename or edit one that has shipped.
const STEPS: ReadonlyArray<readonly [string, MigrationStep]> = [
  ['001-initial-schema', initialSchema],
  ['002-identity', identitySchema],
  ['003-config', configSchema],
  ['004-datasets', datasetSchema],
  ['005-apps', appVersionsSchema],
  ['006-dispatch-index', dispatchIndex],
  ['007-list-indexes', listIndexes],
  ['008-profile-bucket', profileBucket],
  ['009-notifications', notificationsSchema],
  ['010-service-lease', serviceLeaseSchema],
];

export async function migrateToLatest(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const migrations: Record<string, Migration> = {};
  for (const [name, step] of STEPS) migrations[name] = { up: (d) => step(d as Kysely<unknown>, dialect) };
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableName: 'store_migration',
    migrationLockTableName: 'store_migration_lock',
    // 004 landed after 005 had shipped: a database that already ran 005 still gets 004.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw databaseError(`Store migration ${failed} failed: ${String(error)}`);
  }
}
