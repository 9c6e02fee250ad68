// Test helper: throwaway stores on SQLite (temp file) and PostgreSQL (a fresh database per store).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import pg from 'pg';
import { STORE_KINDS } from './repositories.js';
import type { Store, StoreConfig, StoreKind } from './repositories.js';
import { openStore } from './store.js';
import type { NewWorkflow } from './types.js';

const DEFAULT_TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestStore {
  readonly kind: StoreKind;
  readonly store: Store;
  /** How to open the same database again (e.g. to check that migrations are idempotent). */
  readonly config: StoreConfig;
  /** Closes the store and deletes its file or database. */
  dispose(): Promise<void>;
}

/** Server URL whose database is used to create and drop the per-test databases. */
export function testPostgresUrl(): string {
  // eslint-disable-next-line no-restricted-properties -- a test helper, read like the *.test.ts files do
  return process.env['OSMO_TEST_POSTGRES_URL'] ?? DEFAULT_TEST_POSTGRES_URL;
}

export async function makeTestStore(kind: StoreKind): Promise<TestStore> {
  return kind === 'sqlite' ? makeSqliteTestStore() : makePostgresTestStore(testPostgresUrl());
}

async function makeSqliteTestStore(): Promise<TestStore> {
  const dir = await mkdtemp(join(tmpdir(), 'osmo-store-'));
  const config: StoreConfig = { kind: 'sqlite', file: join(dir, 'osmo.db') };
  const store = await openStore(config);
  return {
    kind: 'sqlite',
    store,
    config,
    async dispose() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function makePostgresTestStore(adminUrl: string): Promise<TestStore> {
  const name = `osmo_test_${randomBytes(6).toString('hex')}`;
  await createDatabase(adminUrl, name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const config: StoreConfig = { kind: 'postgres', url: url.toString() };
  const store = await openStore(config);
  return {
    kind: 'postgres',
    store,
    config,
    async dispose() {
      await store.close();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

// Parallel CREATE DATABASE calls copy template1 and fail while another copy holds it (55006).
const CREATE_DATABASE_ATTEMPTS = 20;

async function createDatabase(adminUrl: string, name: string): Promise<void> {
  for (let tries = 1; ; tries++) {
    try {
      await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
      return;
    } catch (err) {
      const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
      const busy = code === '55006' || String(message).includes('is being accessed by other users');
      if (!busy || tries >= CREATE_DATABASE_ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200));
    }
  }
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * Runs `suite` once per dialect (style.md R8), each inside its own `describe` with a fresh store
 * that exists for the duration of that describe; `getStore()` returns it inside tests.
 */
export function withTestStores(
  suite: (getStore: () => Store, kind: StoreKind, getTestStore: () => TestStore) => void,
): void {
  for (const kind of STORE_KINDS) {
    void describe(`${kind} store`, () => {
      let current: TestStore | undefined;
      before(async () => {
        current = await makeTestStore(kind);
      });
      after(async () => {
        await current?.dispose();
      });
      const getTestStore = (): TestStore => {
        if (!current) throw new Error('The test store is not open yet.');
        return current;
      };
      suite(() => getTestStore().store, kind, getTestStore);
    });
  }
}

/** A valid one-group, one-task workflow to insert in tests; override what the test is about. */
export function newTestWorkflow(overrides: Partial<NewWorkflow> = {}): NewWorkflow {
  return {
    workflowName: 'test-wf',
    submittedBy: 'alice@example.com',
    submitTime: new Date('2025-01-01T00:00:00.000Z'),
    execTimeoutSeconds: 3600,
    queueTimeoutSeconds: 600,
    backend: 'default',
    pool: 'default',
    specText: 'workflow:\n  name: test-wf\n',
    specJson: { name: 'test-wf' },
    groups: [
      {
        name: 'group-a',
        spec: { name: 'group-a' },
        remainingUpstreamGroups: [],
        downstreamGroups: [],
        tasks: [{ name: 'task-a', gpuCount: 1, cpuCount: 2, diskGib: 10, memoryGib: 4, lead: true }],
      },
    ],
    ...overrides,
  };
}
