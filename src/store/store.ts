// Opens a store: picks the dialect, runs the migrations, and wires the repositories to one handle.
import { Kysely } from 'kysely';
import type { KyselyPlugin } from 'kysely';
import type { StoreDialect } from './dialect/index.js';
import { storeDialectFor } from './dialect/index.js';
import { createConfigHistoryRepository } from './config-history.js';
import { createEventRepository } from './events.js';
import { createProfileRepository } from './profiles.js';
import { createNotificationRepository } from './notifications.js';
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
import { createUsageRepository } from './usage.js';
import { countingWrites, WriteGenerations } from './write-generations.js';
import { type Fence, fencedDialect } from './fencing.js';
import {
  createFailedSubmission,
  createWorkflow,
  setCancelledBy,
  setWorkflowStatus,
} from './workflow-writes.js';
import {
  distinctUsers,
  getWorkflow,
  getWorkflowSummary,
  listAliveWorkflowIds,
  listAliveWorkflows,
  listWorkflowSummaries,
  listWorkflows,
} from './workflow-queries.js';

/** Opens (creating when needed) the database and brings its schema to the latest migration. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const dialect = storeDialectFor(config);
  const writes = new WriteGenerations();
  const db = new Kysely<Database>({
    dialect: countingWrites(dialect.createKyselyDialect(), writes),
    plugins: [...(dialect.plugins ?? [])],
  });
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>, dialect);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return buildStore(db, dialect, writes, () => db.destroy());
}

/**
 * A second handle to a store that `openStore` already migrated, whose every write checks `fence`
 * first (see fencing.ts): the engine's, when several services share one database. Its writes count
 * in `writes`, the main store's, so read caches see them.
 */
export function openFencedStore(config: StoreConfig, fence: Fence, writes: WriteGenerations): Store {
  const dialect = storeDialectFor(config);
  const db = new Kysely<Database>({
    dialect: countingWrites(fencedDialect(dialect.createKyselyDialect(), fence), writes),
    plugins: [...(dialect.plugins ?? [])],
  });
  return buildStore(db, dialect, writes, () => db.destroy());
}

function buildStore(
  db: Kysely<Database>,
  dialect: StoreDialect,
  writes: WriteGenerations,
  close: () => Promise<void>,
): Store {
  const ctx = { db, dialect };
  const store: Store = {
    db,
    dialect: dialect.kind,
    writes,
    async transaction(fn) {
      if (db.isTransaction) return fn(store);
      return db.transaction().execute((trx) => fn(buildStore(trx, dialect, writes, closeInTransaction)));
    },
    close,
    users: createUserRepository(ctx),
    tokens: createTokenRepository(ctx),
    workflows: {
      create: (input) => createWorkflow(ctx, input),
      createFailedSubmission: (input) => createFailedSubmission(ctx, input),
      get: (idOrUuid) => getWorkflow(ctx, idOrUuid),
      list: (filters) => listWorkflows(ctx, filters),
      listSummaries: (filters) => listWorkflowSummaries(ctx, filters),
      getSummary: (workflowUuid) => getWorkflowSummary(ctx, workflowUuid),
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
    usage: createUsageRepository(ctx),
    notifications: createNotificationRepository(ctx),
  };
  return store;
}

function closeInTransaction(): Promise<void> {
  return Promise.reject(new Error('close() belongs to the store, not to a transaction inside it.'));
}

/**
 * The repositories over another handle to an open store's database (a transaction, a handle with an
 * extra plugin), e.g. to see the SQL they send; closing stays with the store that owns the connection.
 */
export function storeOver(
  db: Kysely<Database>,
  dialect: StoreDialect,
  writes: WriteGenerations = new WriteGenerations(),
): Store {
  return buildStore(db, dialect, writes, closeInTransaction);
}

/**
 * The store of `config`, telling `onStatement` of every SQL statement it runs once it has run, with
 * the rows it returned (transaction control aside): how tests and benchmarks count what one engine
 * step costs.
 */
export async function openObservedStore(
  config: StoreConfig,
  onStatement: (rowsReturned: number) => void,
): Promise<Store> {
  const store = await openStore(config);
  const observer: KyselyPlugin = {
    transformQuery: (args) => args.node,
    transformResult: (args) => {
      onStatement(args.result.rows.length);
      return Promise.resolve(args.result);
    },
  };
  return buildStore(store.db.withPlugin(observer), storeDialectFor(config), store.writes, () =>
    store.close(),
  );
}
