// List benchmark: `GET /api/workflow` as `osmo workflow list` sends it, against the real service (its own
// process) holding N prefilled workflows, at C keep-alive connections, on SQLite and PostgreSQL; and the same
// load against a bare Fastify route answering {ok:true} in another process, the limit of this machine. All
// three servers run at once and are measured in turn, round after round, so that a shared machine's load
// falls on each alike; each window also tells how much of a core the server and this load generator used,
// to show which of them bounds the rate.
// Usage: node dist/bench/list.js [--workflows N=100000] [--seconds S=10] [--connections C=50] [--rounds R=2]
//        [--postgres URL=postgres://postgres@127.0.0.1:5432/postgres | --postgres none] [--only sqlite|postgres]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import pg from 'pg';
import { openStore } from '../src/store/index.js';
import type { StoreConfig } from '../src/store/index.js';
import { startBenchService } from './service-process.js';
import { insertBenchWorkflows } from './workflow-rows.js';
import { percentile } from './submit-load.js';
import { processCpuSeconds } from './process-cpu.js';
import { LoadConnections } from './http-load.js';
import { NO_GPU_QUOTA_CONFIG } from '../test/e2e/pending-workflows.js';

const GOAL_P99_MS = 20;
const GOAL_SHARE_OF_BARE = 0.4;
const WARMUP_MS = 2000;
const BENCH_USER = 'bench';
/** The query `osmo workflow list` sends with no flags (src/cli/commands/workflow/list.ts). */
const CLI_LIST_PATH = '/api/workflow?order=DESC&all_pools=true&limit=20&offset=0';
// Terminal statuses only, so the engine has nothing to pick up; FAILED_SUBMISSION is what the list leaves out.
const STATUSES = ['COMPLETED', 'FAILED', 'COMPLETED', 'FAILED_CANCELED', 'FAILED_SUBMISSION'] as const;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return (i >= 0 ? process.argv[i + 1] : undefined) ?? fallback;
}

interface LoadFigures {
  readonly requests: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  /** Cores' worth of CPU the server used over the window (1 = one core busy throughout); null unknown. */
  readonly serverCores: number | null;
  /** The same for this process, the load generator. */
  readonly clientCores: number;
}

/** A server under load: where to send the requests, and the process that answers them. */
interface Target {
  readonly url: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly pid: number;
  stop(): Promise<void>;
}

/** C connections, each sending the next request as soon as the last answered. */
async function drive(server: Target, ms: number, connections: number): Promise<LoadFigures> {
  const load = await LoadConnections.open(server.url, server.path, server.headers, connections);
  try {
    await load.run(WARMUP_MS, false);
    const serverBefore = processCpuSeconds(server.pid);
    const clientBefore = process.cpuUsage();
    const started = performance.now();
    const { latencies, errors } = await load.run(ms, true);
    const elapsed = (performance.now() - started) / 1000;
    const serverAfter = processCpuSeconds(server.pid);
    const client = process.cpuUsage(clientBefore);
    latencies.sort((a, b) => a - b);
    return {
      requests: latencies.length,
      perSecond: latencies.length / elapsed,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      errors,
      serverCores:
        serverBefore === null || serverAfter === null ? null : (serverAfter - serverBefore) / elapsed,
      clientCores: (client.user + client.system) / 1e6 / elapsed,
    };
  } finally {
    load.close();
  }
}

/** Half the workflows are the caller's, a minute apart, spread over pools, statuses and labels. */
async function prefill(config: StoreConfig, count: number): Promise<void> {
  const store = await openStore(config);
  try {
    await insertBenchWorkflows(store, count, Date.now() - count * 60_000, {
      submittedBy: (i) => (i % 2 === 0 ? BENCH_USER : `user${i % 25}@example.com`),
      pool: (i) => `pool-${i % 8}`,
      status: (i) => STATUSES[i % STATUSES.length] ?? 'COMPLETED',
      timed: true,
    });
  } finally {
    await store.close();
  }
}

async function login(url: string): Promise<string> {
  const r = await fetch(`${url}/api/auth/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: BENCH_USER }),
  });
  return ((await r.json()) as { token: string }).token;
}

/** The real service over a prefilled store, logged in as the bench user; its database dropped on stop. */
async function osmoTarget(kind: 'sqlite' | 'postgres', opts: RunOptions): Promise<Target> {
  const dbName = `osmo_bench_${randomBytes(5).toString('hex')}`;
  const dbUrl = databaseUrl(opts.postgresAdminUrl, dbName);
  const dropDatabase = async (): Promise<void> => {
    if (kind === 'postgres')
      await adminQuery(opts.postgresAdminUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  };
  if (kind === 'postgres') await adminQuery(opts.postgresAdminUrl, `CREATE DATABASE ${dbName}`);
  try {
    const filled = performance.now();
    const service = await startBenchService({
      prepare: async (dataDir, configFile) => {
        // A pool with no quota to spare: even a workflow the engine picked up would only wait.
        await writeFile(configFile, JSON.stringify(NO_GPU_QUOTA_CONFIG));
        const config: StoreConfig =
          kind === 'sqlite' ? { kind, file: `${dataDir}/osmo.db` } : { kind, url: dbUrl };
        await prefill(config, opts.workflows);
        return config;
      },
      ...(kind === 'postgres' ? { postgresUrl: dbUrl } : {}),
    });
    const seconds = ((performance.now() - filled) / 1000).toFixed(0);
    process.stdout.write(`  ${kind}: ${opts.workflows} workflows prefilled and service up in ${seconds} s\n`);
    const token = await login(service.url).catch(async (error: unknown) => {
      await service.stop();
      throw error;
    });
    return {
      url: service.url,
      path: CLI_LIST_PATH,
      headers: { authorization: `Bearer ${token}` },
      pid: service.pid,
      stop: async () => {
        await service.stop();
        await dropDatabase();
      },
    };
  } catch (error) {
    await dropDatabase();
    throw error;
  }
}

/** The bare route in its own process, as the service is: this process only sends the load. */
async function bareTarget(): Promise<Target> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--bare-server'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    await exited;
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (\S+)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
    });
    return { url, path: '/ok', headers: {}, pid: child.pid ?? 0, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function bareServer(): Promise<void> {
  const app = Fastify({ logger: false });
  app.get('/ok', async () => ({ ok: true }));
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`listening on ${address}\n`);
}

interface RunOptions {
  readonly workflows: number;
  readonly ms: number;
  readonly connections: number;
  readonly rounds: number;
  readonly postgresAdminUrl: string;
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
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

const cores = (n: number | null): string => (n === null ? '?' : n.toFixed(2));

const show = (f: LoadFigures): string =>
  `${f.perSecond.toFixed(0).padStart(6)} req/s, p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms` +
  ` (${f.requests} requests${f.errors > 0 ? `, ${f.errors} not 200` : ''});` +
  ` cores used: server ${cores(f.serverCores)}, load generator ${cores(f.clientCores)}` +
  (f.serverCores === null
    ? ''
    : `; server ${((f.serverCores * 1e6) / f.perSecond).toFixed(0)} µs CPU a request`);

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

async function main(): Promise<void> {
  const opts: RunOptions = {
    workflows: Number(arg('--workflows', '100000')),
    ms: Number(arg('--seconds', '10')) * 1000,
    connections: Number(arg('--connections', '50')),
    rounds: Math.max(1, Number(arg('--rounds', '2'))),
    postgresAdminUrl: arg('--postgres', 'postgres://postgres@127.0.0.1:5432/postgres'),
  };
  const only = arg('--only', 'all');
  const kinds = (['sqlite', 'postgres'] as const).filter(
    (k) => (only === 'all' || only === k) && (k === 'sqlite' || opts.postgresAdminUrl !== 'none'),
  );
  process.stdout.write(
    `GET ${CLI_LIST_PATH}, ${opts.connections} connections, ${opts.ms / 1000} s after ${WARMUP_MS / 1000} s warm-up,` +
      ` ${opts.rounds} round(s) of bare route then ${kinds.join(' then ')}; ${availableParallelism()} cores\n`,
  );
  const targets: { name: string; target: Target }[] = [];
  try {
    targets.push({ name: 'bare', target: await bareTarget() });
    for (const kind of kinds) targets.push({ name: kind, target: await osmoTarget(kind, opts) });
    const figures = new Map<string, LoadFigures[]>(targets.map((t) => [t.name, []]));
    for (let round = 1; round <= opts.rounds; round++) {
      process.stdout.write(`  round ${round} (load average ${loadavg()[0]?.toFixed(1)}):\n`);
      for (const { name, target } of targets) {
        const f = await drive(target, opts.ms, opts.connections);
        figures.get(name)?.push(f);
        process.stdout.write(`    ${name.padEnd(8)} ${show(f)}\n`);
      }
    }
    const bare = figures.get('bare') ?? [];
    process.stdout.write(`  median of ${opts.rounds} round(s):\n`);
    process.stdout.write(
      `    bare     ${median(bare.map((f) => f.perSecond)).toFixed(0)} req/s, p99 ${median(bare.map((f) => f.p99)).toFixed(1)} ms\n`,
    );
    for (const kind of kinds) {
      const ours = figures.get(kind) ?? [];
      // The share is taken round by round, each against the bare route measured beside it.
      const share = median(ours.map((f, i) => f.perSecond / (bare[i]?.perSecond ?? Number.NaN)));
      const p99 = median(ours.map((f) => f.p99));
      const errors = ours.reduce((n, f) => n + f.errors, 0);
      const met = p99 <= GOAL_P99_MS && share >= GOAL_SHARE_OF_BARE && errors === 0;
      process.stdout.write(
        `    ${kind.padEnd(8)} ${median(ours.map((f) => f.perSecond)).toFixed(0)} req/s, p99 ${p99.toFixed(1)} ms` +
          ` = ${(share * 100).toFixed(0)}% of the bare route's req/s;` +
          ` goal p99 <= ${GOAL_P99_MS} ms and >= ${GOAL_SHARE_OF_BARE * 100}% of bare: ${met ? 'met' : 'NOT met'}\n`,
      );
    }
  } finally {
    for (const { target } of targets.reverse()) await target.stop();
  }
}

if (process.argv.includes('--bare-server')) await bareServer();
else await main();
