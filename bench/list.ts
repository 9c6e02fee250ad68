// List benchmark: `GET /api/workflow` as `osmo workflow list` sends it, against the real service (its own
// process) holding N prefilled workflows, at C keep-alive connections, on SQLite and PostgreSQL; and the same
// load against a bare Fastify route answering {ok:true} in another process, the limit of this machine.
// Usage: node dist/bench/list.js [--workflows N=100000] [--seconds S=10] [--connections C=50]
//        [--postgres URL=postgres://postgres@127.0.0.1:5432/postgres | --postgres none] [--only sqlite|postgres]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import pg from 'pg';
import { openStore } from '../src/store/index.js';
import type { StoreConfig } from '../src/store/index.js';
import { startBenchService } from './service-process.js';
import { insertBenchWorkflows } from './workflow-rows.js';
import { percentile } from './submit-load.js';
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
}

/** C loops, each sending the next request on its own keep-alive connection as soon as the last answered. */
async function drive(
  url: string,
  path: string,
  headers: http.OutgoingHttpHeaders,
  ms: number,
  connections: number,
): Promise<LoadFigures> {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const once = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const request = http.request(
        { host: target.hostname, port: target.port, path, method: 'GET', headers, agent },
        (response) => {
          response.on('data', () => undefined);
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end();
    });
  const run = async (windowMs: number, latencies: number[] | null): Promise<number> => {
    let errors = 0;
    const until = performance.now() + windowMs;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < until) {
          const t0 = performance.now();
          const status = await once().catch(() => 0);
          latencies?.push(performance.now() - t0);
          if (status !== 200) errors += 1;
        }
      }),
    );
    return errors;
  };
  try {
    await run(WARMUP_MS, null);
    const latencies: number[] = [];
    const started = performance.now();
    const errors = await run(ms, latencies);
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      requests: latencies.length,
      perSecond: latencies.length / elapsed,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      errors,
    };
  } finally {
    agent.destroy();
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

async function listRun(kind: 'sqlite' | 'postgres', opts: RunOptions): Promise<LoadFigures> {
  const dbName = `osmo_bench_${randomBytes(5).toString('hex')}`;
  if (kind === 'postgres') await adminQuery(opts.postgresAdminUrl, `CREATE DATABASE ${dbName}`);
  const dbUrl = databaseUrl(opts.postgresAdminUrl, dbName);
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
    try {
      const seconds = ((performance.now() - filled) / 1000).toFixed(0);
      process.stdout.write(
        `  ${kind}: ${opts.workflows} workflows prefilled and service up in ${seconds} s\n`,
      );
      const token = await login(service.url);
      return await drive(
        service.url,
        CLI_LIST_PATH,
        { authorization: `Bearer ${token}` },
        opts.ms,
        opts.connections,
      );
    } finally {
      await service.stop();
    }
  } finally {
    if (kind === 'postgres')
      await adminQuery(opts.postgresAdminUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}

/** The bare route in its own process, as the service is: this process only sends the load. */
async function bareRun(opts: RunOptions): Promise<LoadFigures> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--bare-server'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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
    return await drive(url, '/ok', {}, opts.ms, opts.connections);
  } finally {
    child.kill('SIGTERM');
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

const show = (f: LoadFigures): string =>
  `${f.perSecond.toFixed(0).padStart(6)} req/s, p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms` +
  ` (${f.requests} requests${f.errors > 0 ? `, ${f.errors} not 200` : ''})`;

async function main(): Promise<void> {
  const opts: RunOptions = {
    workflows: Number(arg('--workflows', '100000')),
    ms: Number(arg('--seconds', '10')) * 1000,
    connections: Number(arg('--connections', '50')),
    postgresAdminUrl: arg('--postgres', 'postgres://postgres@127.0.0.1:5432/postgres'),
  };
  const only = arg('--only', 'all');
  const kinds = (['sqlite', 'postgres'] as const).filter(
    (k) => (only === 'all' || only === k) && (k === 'sqlite' || opts.postgresAdminUrl !== 'none'),
  );
  process.stdout.write(
    `GET ${CLI_LIST_PATH}, ${opts.connections} connections, ${opts.ms / 1000} s after ${WARMUP_MS / 1000} s warm-up\n`,
  );
  const bare = await bareRun(opts);
  process.stdout.write(`  bare Fastify {ok:true}: ${show(bare)}\n`);
  for (const kind of kinds) {
    const figures = await listRun(kind, opts);
    const share = figures.perSecond / bare.perSecond;
    const met = figures.p99 <= GOAL_P99_MS && share >= GOAL_SHARE_OF_BARE && figures.errors === 0;
    process.stdout.write(
      `  ${kind} list:${' '.repeat(14 - kind.length)}${show(figures)}\n` +
        `    ratio to bare route: ${(share * 100).toFixed(0)}% of its req/s, p99 ${(figures.p99 / bare.p99).toFixed(1)}x;` +
        ` goal p99 <= ${GOAL_P99_MS} ms and >= ${GOAL_SHARE_OF_BARE * 100}% of bare: ${met ? 'met' : 'NOT met'}\n`,
    );
  }
}

if (process.argv.includes('--bare-server')) await bareServer();
else await main();
