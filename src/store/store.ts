// Opens a store: picks the dialect, runs the migrations, and wires the repositories to one handle.
import { Kysely } from 'kysely';
import type { StoreDialect } from './dialect/index.js';
import { storeDialectFor } from './dialect/index.js';
import { createConfigHistoryRepository } from './config-history.js';
import { createEventRepository } from './events.js';
import { createProfileRepository } from './profiles.js';
import { createGroupRepository } from './groups.js';
import { migrateToLatest } from './migrations/index.js';
import type { Store, StoreConfig } from './repositories.js';
import type { Database } from './schema.js';
import { createAppRepository } from './apps.js';
import { createTagRepository } from './tags.js';
import { createAccountRepository } from './accounts.js';
import { createCredentialRepository } from './credentials.js';
import { createDatasetRepository } from './datasets.js';
import { createTaskRepository } from './tasks.js';
import { createTokenRepository } from './tokens.js';
import { createUserRepository } from './users.js';
import {
  createFailedSubmission,
  createWorkflow,
  setCancelledBy,
  setWorkflowStatus,
} from './workflow-writes.js';
import {
  distinctUsers,
  getWorkflow,
  listAliveWorkflowIds,
  listAliveWorkflows,
  listWorkflows,
} from './workflow-queries.js';

/** Opens (creating when needed) the database and brings its schema to the latest migration. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const dialect = storeDialectFor(config);
  const db = new Kysely<Database>({
    dialect: dialect.createKyselyDialect(),
    plugins: [...(dialect.plugins ?? [])],
  });
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>, dialect);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return buildStore(db, dialect, () => db.destroy());
}

function buildStore(db: Kysely<Database>, dialect: StoreDialect, close: () => Promise<void>): Store {
  const ctx = { db, dialect };
  const store: Store = {
    db,
    dialect: dialect.kind,
    async transaction(fn) {
      if (db.isTransaction) return fn(store);
      return db.transaction().execute((trx) => fn(buildStore(trx, dialect, closeInTransaction)));
    },
    close,
    users: createUserRepository(ctx),
    tokens: createTokenRepository(ctx),
    workflows: {
      create: (input) => createWorkflow(ctx, input),
      createFailedSubmission: (input) => createFailedSubmission(ctx, input),
      get: (idOrUuid) => getWorkflow(ctx, idOrUuid),
      list: (filters) => listWorkflows(ctx, filters),
      listAlive: () => listAliveWorkflows(ctx),
      listAliveIds: () => listAliveWorkflowIds(ctx),
      setStatus: (uuid, to, allowedFrom, fields) => setWorkflowStatus(ctx, uuid, to, allowedFrom, fields),
      setCancelledBy: (uuid, user) => setCancelledBy(ctx, uuid, user),
      distinctUsers: () => distinctUsers(ctx),
    },
    groups: createGroupRepository(ctx),
    tasks: createTaskRepository(ctx),
    events: createEventRepository(ctx),
    tags: createTagRepository(ctx),
    configHistory: createConfigHistoryRepository(ctx),
    profiles: createProfileRepository(ctx),
    accounts: createAccountRepository(ctx),
    credentials: createCredentialRepository(ctx),
    apps: createAppRepository(ctx),
    datasets: createDatasetRepository(ctx),
  };
  return store;
}

function closeInTransaction(): Promise<void> {
  return Promise.reject(new Error('close() belongs to the store, not to a transaction inside it.'));
}
