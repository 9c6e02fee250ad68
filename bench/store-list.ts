// Benchmark: fills a store with 100,000 workflows and prints list-query times (ms). Not a test.
// Usage: node dist/bench/store-list.js [--postgres URL] [--count N]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { openStore } from '../src/store/index.js';
import type { Store, StoreConfig, WorkflowListFilters } from '../src/store/index.js';
import { insertBenchWorkflows } from './workflow-rows.js';

const RUNS = 7;
const USERS = 50;
const POOLS = 8;
const STATUSES = ['COMPLETED', 'FAILED', 'RUNNING', 'PENDING', 'FAILED_SUBMISSION'] as const;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function fill(store: Store, count: number): Promise<void> {
  await insertBenchWorkflows(store, count, Date.UTC(2024, 0, 1), {
    uuid: (i) => i.toString(16).padStart(32, '0'),
    submittedBy: (i) => `user${i % USERS}@example.com`,
    pool: (i) => `pool-${i % POOLS}`,
    status: (i) => STATUSES[i % STATUSES.length] ?? 'COMPLETED',
    timed: false,
  });
}

async function time(store: Store, filters: WorkflowListFilters): Promise<number> {
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    await store.workflows.list(filters);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  const count = Number(arg('--count') ?? 100_000);
  const postgres = arg('--postgres');
  const dir = postgres ? undefined : await mkdtemp(join(tmpdir(), 'osmo-bench-'));
  const config: StoreConfig = postgres
    ? { kind: 'postgres', url: postgres }
    : { kind: 'sqlite', file: join(dir ?? '', 'bench.db') };
  const store = await openStore(config);
  try {
    const existing = await store.db
      .selectFrom('workflows')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(existing.n) > 0) throw new Error('The benchmark needs an empty database.');
    const t0 = performance.now();
    await fill(store, count);
    // Fresh planner statistics and visibility map (index-only scans), as autovacuum would provide.
    if (postgres) await sql`VACUUM ANALYZE workflows`.execute(store.db);
    const out = (label: string, ms: number) =>
      process.stdout.write(`${label.padEnd(44)} ${ms.toFixed(2)} ms\n`);
    process.stdout.write(
      `${config.kind}: ${count} workflows inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s (median of ${RUNS} runs below)\n`,
    );
    out('first page, DESC, limit 20', await time(store, { order: 'DESC', limit: 20 }));
    out('first page, ASC, limit 20', await time(store, { order: 'ASC', limit: 20 }));
    out('deep offset 50,000, limit 20', await time(store, { order: 'DESC', offset: 50_000, limit: 20 }));
    out(
      'user + pool + statuses, limit 20',
      await time(store, {
        users: ['user7@example.com'],
        pools: ['pool-7'],
        statuses: ['COMPLETED', 'RUNNING'],
        limit: 20,
        order: 'DESC',
      }),
    );
    out(
      'pool + status, limit 100',
      await time(store, { pools: ['pool-3'], statuses: ['FAILED'], limit: 100 }),
    );
    out(
      'submitted in a one-day window',
      await time(store, {
        submittedAfter: new Date(Date.UTC(2024, 1, 1)),
        submittedBefore: new Date(Date.UTC(2024, 1, 2)),
        limit: 100,
      }),
    );
    out(
      'label team=team-3, limit 20',
      await time(store, { labels: ['team=team-3'], limit: 20, order: 'DESC' }),
    );
    out('name substring "bench-99", limit 20', await time(store, { name: 'bench-99', limit: 20 }));
  } finally {
    await store.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

await main();
