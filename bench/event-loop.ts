// Event-loop benchmark: `/health` latency of a real service (its own process) (a) idle and while 10 clients
// send ~958 KB specs of ~14,000 chained tasks, (b) with 10,000 PENDING workflows on SQLite and PostgreSQL.
// Usage: node dist/bench/event-loop.js [--only spec|pending] [--pending N=10000] [--seconds S=15]
//        [--postgres URL=postgres://postgres@127.0.0.1:5432/postgres | --postgres none]
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import pg from 'pg';
import { openStore } from '../src/store/index.js';
import type { StoreConfig } from '../src/store/index.js';
import { startBenchService } from './service-process.js';
import type { BenchService } from './service-process.js';
import { percentile } from './submit-load.js';
import { NO_GPU_QUOTA_CONFIG, prefillPendingWorkflows } from '../test/e2e/pending-workflows.js';

const GOAL_P99_MS = 50;
const PROBE_GAP_MS = 10;
const SPEC_CLIENTS = 10;
const CHAIN_TASKS = 14_000;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return (i >= 0 ? process.argv[i + 1] : undefined) ?? fallback;
}

const only = arg('--only', 'all');
const pendingCount = Number(arg('--pending', '10000'));
const windowMs = Number(arg('--seconds', '15')) * 1000;
const postgresAdminUrl = arg('--postgres', 'postgres://postgres@127.0.0.1:5432/postgres');

interface Latencies {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly samples: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Sequential `/health` probes for `ms`: each one waits for the last, so a stall shows as one slow sample. */
async function probeHealth(url: string, ms: number): Promise<Latencies> {
  const samples: number[] = [];
  const until = performance.now() + ms;
  while (performance.now() < until) {
    const t0 = performance.now();
    const r = await fetch(`${url}/health`);
    await r.arrayBuffer();
    samples.push(performance.now() - t0);
    await sleep(PROBE_GAP_MS);
  }
  samples.sort((a, b) => a - b);
  return {
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: samples[samples.length - 1] ?? NaN,
    samples: samples.length,
  };
}

const show = (l: Latencies): string =>
  `p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, max ${l.max.toFixed(0)} ms (${l.samples} probes)`;

/** A valid spec except for its size: every task reads the previous one's output. */
export function chainedSpec(tasks: number): string {
  const lines = ['workflow:', '  name: chain', '  tasks:'];
  for (let i = 0; i < tasks; i++) {
    const input = i === 0 ? '' : `, inputs: [{task: t${i - 1}}]`;
    lines.push(`  - {name: t${i}, image: bash, command: [x]${input}}`);
  }
  return `${lines.join('\n')}\n`;
}

async function login(url: string): Promise<Record<string, string>> {
  const r = await fetch(`${url}/api/auth/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench' }),
  });
  const { token } = (await r.json()) as { token: string };
  return { 'content-type': 'application/json', authorization: `Bearer ${token}` };
}

async function specFlood(): Promise<void> {
  const service = await startBenchService({});
  try {
    const headers = await login(service.url);
    const idle = await probeHealth(service.url, windowMs);
    const body = JSON.stringify({ file: chainedSpec(CHAIN_TASKS) });
    let running = true;
    const statuses = new Map<number, number>();
    const submitMs: number[] = [];
    let firstError = '';
    const clients = Array.from({ length: SPEC_CLIENTS }, async () => {
      while (running) {
        const t0 = performance.now();
        const r = await fetch(`${service.url}/api/pool/default/workflow`, { method: 'POST', headers, body });
        const text = await r.text();
        submitMs.push(performance.now() - t0);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (firstError === '') firstError = text.slice(0, 160);
      }
    });
    const loaded = await probeHealth(service.url, windowMs);
    running = false;
    await Promise.all(clients);
    submitMs.sort((a, b) => a - b);
    const answers = [...statuses].map(([s, n]) => `${n}x${s}`).join(', ');
    process.stdout.write(
      [
        `(a) spec flood: ${SPEC_CLIENTS} clients, ${CHAIN_TASKS} chained tasks, ${(body.length / 1024).toFixed(0)} KB per request`,
        `    /health idle:        ${show(idle)}`,
        `    /health under flood: ${show(loaded)}`,
        `    p99 ratio flood/idle: ${(loaded.p99 / idle.p99).toFixed(1)}x; goal p99 < ${GOAL_P99_MS} ms: ${loaded.p99 < GOAL_P99_MS ? 'met' : 'NOT met'}`,
        `    submits: ${answers}; p50 ${percentile(submitMs, 50).toFixed(0)} ms, p99 ${percentile(submitMs, 99).toFixed(0)} ms; first answer: ${firstError}`,
        '',
      ].join('\n'),
    );
  } finally {
    await service.stop();
  }
}

/** How many tasks still wait for the engine to queue them (WAITING), read with a separate connection. */
async function waitingTasks(config: StoreConfig): Promise<number> {
  const store = await openStore(config);
  try {
    const row = await store.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'WAITING')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  } finally {
    await store.close();
  }
}

async function pendingRun(kind: 'sqlite' | 'postgres'): Promise<void> {
  const dbName = `osmo_bench_${randomBytes(5).toString('hex')}`;
  if (kind === 'postgres') await adminQuery(`CREATE DATABASE ${dbName}`);
  let service: BenchService | null = null;
  try {
    service = await startBenchService({
      prepare: async (dataDir, configFile) => {
        await writeFile(configFile, JSON.stringify(NO_GPU_QUOTA_CONFIG));
        const config: StoreConfig =
          kind === 'sqlite' ? { kind, file: `${dataDir}/osmo.db` } : { kind, url: databaseUrl(dbName) };
        await prefillPendingWorkflows(config, pendingCount);
        return config;
      },
      ...(kind === 'postgres' ? { postgresUrl: databaseUrl(dbName) } : {}),
    });
    const started = performance.now();
    const settling = await probeHealth(service.url, Math.min(windowMs, 10_000));
    let settledAfter = NaN;
    const deadline = started + 180_000;
    while (performance.now() < deadline) {
      if ((await waitingTasks(service.storeConfig)) === 0) {
        settledAfter = (performance.now() - started) / 1000;
        break;
      }
      await sleep(500);
    }
    const steady = await probeHealth(service.url, windowMs);
    process.stdout.write(
      [
        `(b) ${pendingCount} PENDING workflows on ${kind}:`,
        `    /health while the engine queues them (first ${(Math.min(windowMs, 10_000) / 1000).toFixed(0)} s): ${show(settling)}`,
        `    all queued after:  ${Number.isNaN(settledAfter) ? 'not within 180 s' : `${settledAfter.toFixed(1)} s after start`}`,
        `    /health steady:    ${show(steady)}; goal p99 < ${GOAL_P99_MS} ms: ${steady.p99 < GOAL_P99_MS ? 'met' : 'NOT met'}`,
        '',
      ].join('\n'),
    );
  } finally {
    await service?.stop();
    if (kind === 'postgres') await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}

function databaseUrl(name: string): string {
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

if (only === 'all' || only === 'spec') await specFlood();
if (only === 'all' || only === 'pending') {
  await pendingRun('sqlite');
  if (postgresAdminUrl !== 'none') await pendingRun('postgres');
}
