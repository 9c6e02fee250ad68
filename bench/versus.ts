// osmo side by side with its peer and with the machine's limit, in one process tree, interleaved:
// N one-task workflows (`true`) through the service on the process backend, the same N jobs through a
// one-node Slurm cluster started here (when `sbatch` is installed: Debian's slurm-wlm), and
// `xargs -P<cores> true`; then idle submit-to-start latency for osmo and Slurm; then the list, log,
// wide-workflow and CLI benchmarks, each of which prints its own side by side.
// `--osmo-backends process,slurm` also runs the dispatch rounds with osmo's slurm backend on such a
// cluster: every one-task workflow one Slurm job, run under osmo's task runtime.
// Usage: node dist/bench/versus.js [--n 1000] [--slots 32] [--rounds 2] [--idle 20]
//        [--osmo-backends process,slurm]
//        [--only dispatch,idle,list,logs,wide,cli]
// Both schedulers get the same `--slots`: the number of one-CPU jobs a node may run at once.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, hostname, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { removeDir, startServiceProcess, tempDir } from '../test/e2e/harness.js';
import { startSlurmCluster } from '../src/backends/slurm/slurm-fixture.js';
import type { ServiceProcess } from '../test/e2e/harness.js';
import { percentile } from './submit-load.js';

const run = promisify(execFile);
const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? (args[at + 1] ?? fallback) : fallback;
};
const total = Number(option('n', '1000'));
const slots = Number(option('slots', '32'));
const rounds = Number(option('rounds', '2'));
const idleSamples = Number(option('idle', '20'));
const only = new Set(option('only', 'dispatch,idle,list,logs,wide,cli').split(','));
const osmoBackends = new Set(option('osmo-backends', 'process').split(','));
const cores = cpus().length;
const SUBMIT_CONCURRENCY = 8;
const SLOT_MEMORY_BYTES = slots * 1024 ** 3;
const hasSlurm =
  spawnSync('sh', ['-c', 'command -v sbatch && command -v slurmctld && command -v slurmd']).status === 0;

const SPEC = (name: string): string => `workflow:
  name: ${name}
  tasks:
    - name: task
      image: ubuntu
      command: ['true']
`;

const seconds = (since: number): number => (performance.now() - since) / 1000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const line = (text: string): boolean => process.stdout.write(`${text}\n`);

// --- osmo ---------------------------------------------------------------------------------------

interface Osmo {
  readonly service: ServiceProcess;
  readonly headers: Record<string, string>;
  stop(): Promise<void>;
}

/** `slurm`: the service's slurm backend on that cluster, whose node declares the same slots. */
async function startOsmo(slurm: Slurm | null = null): Promise<Osmo> {
  const dataDir = await tempDir('versus');
  // One declared node with as many one-CPU slots as Slurm's node gets, and memory for each task's
  // default request (1 GiB).
  const nodes = [
    { name: hostname(), cpu: slots, memoryBytes: Math.max(totalmem(), SLOT_MEMORY_BYTES), gpu: 0 },
  ];
  const service = await startServiceProcess(
    slurm === null
      ? { dataDir, env: { OSMO_NODES: JSON.stringify(nodes) } }
      : { dataDir, args: ['--backend', 'slurm'], env: { SLURM_CONF: slurm.env.SLURM_CONF } },
  );
  const login = await fetch(`${service.url}/api/auth/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench' }),
  });
  const { token } = (await login.json()) as { token: string };
  return {
    service,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    stop: async () => {
      await service.stop();
      await removeDir(dataDir);
    },
  };
}

async function submitOsmo(osmo: Osmo, name: string): Promise<string> {
  const r = await fetch(`${osmo.service.url}/api/pool/default/workflow`, {
    method: 'POST',
    headers: osmo.headers,
    body: JSON.stringify({ file: SPEC(name) }),
  });
  if (r.status !== 200) throw new Error(`submit failed: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { name: string }).name;
}

async function aliveCount(osmo: Osmo): Promise<number> {
  const query = 'statuses=PENDING&statuses=WAITING&statuses=RUNNING&limit=1';
  const r = await fetch(`${osmo.service.url}/api/workflow?${query}`, { headers: osmo.headers });
  return ((await r.json()) as { workflows: unknown[] }).workflows.length;
}

async function osmoDispatch(
  n: number,
  slurm: Slurm | null = null,
): Promise<{ seconds: number; failed: number }> {
  const osmo = await startOsmo(slurm);
  try {
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: SUBMIT_CONCURRENCY }, async () => {
        while (next < n) {
          next += 1;
          await submitOsmo(osmo, 'versus');
        }
      }),
    );
    while ((await aliveCount(osmo)) > 0) await sleep(50);
    const elapsed = seconds(started);
    const failed = await fetch(
      `${osmo.service.url}/api/workflow?statuses=FAILED&statuses=FAILED_START_ERROR&statuses=FAILED_BACKEND_ERROR&statuses=FAILED_SERVER_ERROR&limit=1000`,
      { headers: osmo.headers },
    );
    return { seconds: elapsed, failed: ((await failed.json()) as { workflows: unknown[] }).workflows.length };
  } finally {
    await osmo.stop();
  }
}

async function osmoIdle(samples: number): Promise<number[]> {
  const osmo = await startOsmo();
  try {
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const sent = Date.now();
      const name = await submitOsmo(osmo, 'idle');
      for (;;) {
        const r = await fetch(`${osmo.service.url}/api/workflow/${name}?skip_groups=true`, {
          headers: osmo.headers,
        });
        const w = (await r.json()) as { start_time: string | null; status: string };
        if (w.start_time !== null) {
          latencies.push(Date.parse(`${w.start_time.replace(/Z$/, '')}Z`) - sent);
          break;
        }
        await sleep(2);
      }
      while ((await aliveCount(osmo)) > 0) await sleep(20);
    }
    return latencies.sort((a, b) => a - b);
  } finally {
    await osmo.stop();
  }
}

// --- Slurm --------------------------------------------------------------------------------------

interface Slurm {
  readonly env: NodeJS.ProcessEnv;
  readonly dir: string;
  stop(): Promise<void>;
}

/** The one-node test cluster (src/backends/slurm/slurm-fixture.ts), its node declaring `slots` CPUs. */
async function startSlurm(): Promise<Slurm> {
  const cluster = await startSlurmCluster({
    cpus: slots,
    memoryMiB: Math.max(64_000, Math.ceil(SLOT_MEMORY_BYTES / 1024 ** 2) + 1024),
    name: 'versus',
  });
  return { env: cluster.env, dir: cluster.dir, stop: () => cluster.stop() };
}

const sbatch = (slurm: Slurm, wrap: string): Promise<unknown> =>
  run('sbatch', ['-Q', '-o', '/dev/null', '--wrap', wrap], { env: slurm.env });

async function slurmQueueEmpty(slurm: Slurm): Promise<boolean> {
  const { stdout } = await run('squeue', ['-h', '-o', '%i'], { env: slurm.env });
  return stdout.trim() === '';
}

async function slurmDispatch(n: number): Promise<number> {
  const slurm = await startSlurm();
  try {
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: SUBMIT_CONCURRENCY }, async () => {
        while (next < n) {
          next += 1;
          await sbatch(slurm, 'true');
        }
      }),
    );
    while (!(await slurmQueueEmpty(slurm))) await sleep(50);
    return seconds(started);
  } finally {
    await slurm.stop();
  }
}

async function slurmIdle(samples: number): Promise<number[]> {
  const slurm = await startSlurm();
  try {
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const mark = join(slurm.dir, `started-${i}`);
      const sent = Date.now();
      await sbatch(slurm, `date +%s%3N > ${mark}`);
      while (!existsSync(mark)) await sleep(2);
      let text = '';
      while (text.trim() === '') text = await readFile(mark, 'utf8');
      latencies.push(Number(text.trim()) - sent);
      while (!(await slurmQueueEmpty(slurm))) await sleep(20);
    }
    return latencies.sort((a, b) => a - b);
  } finally {
    await slurm.stop();
  }
}

/** osmo with its slurm backend: each workflow's task one Slurm job on a fresh cluster. */
async function osmoOnSlurmDispatch(n: number): Promise<{ seconds: number; failed: number }> {
  const slurm = await startSlurm();
  try {
    return await osmoDispatch(n, slurm);
  } finally {
    await slurm.stop();
  }
}

// --- the limit ----------------------------------------------------------------------------------

function spawnLimit(n: number): number {
  const started = performance.now();
  spawnSync('sh', ['-c', `seq ${n} | xargs -P${cores} -n1 true`]);
  return seconds(started);
}

// --- the other benchmarks -----------------------------------------------------------------------

function runBench(script: string): Promise<void> {
  const path = fileURLToPath(new URL(`./${script}.js`, import.meta.url));
  if (!existsSync(path)) {
    line(`(${script}: not built)`);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('close', () => resolve());
  });
}

// --- the run ------------------------------------------------------------------------------------

line(`versus: ${total} one-task workflows, ${slots} slots, ${cores} cores, ${rounds} rounds`);
if (!hasSlurm) line('(sbatch not found: install slurm-wlm for the Slurm side)');

if (only.has('dispatch')) {
  const rate = (r: { seconds: number; failed: number }): string =>
    `${r.seconds.toFixed(1)} s (${(total / r.seconds).toFixed(1)}/s${r.failed > 0 ? `, ${r.failed} failed` : ''})`;
  for (let round = 1; round <= rounds; round++) {
    const limit = spawnLimit(total);
    const ours = osmoBackends.has('process') ? await osmoDispatch(total) : null;
    const slurm = hasSlurm ? await slurmDispatch(total) : null;
    const onSlurm = hasSlurm && osmoBackends.has('slurm') ? await osmoOnSlurmDispatch(total) : null;
    const parts = [`round ${round}:`];
    if (ours !== null) parts.push(`osmo ${rate(ours)};`);
    if (slurm !== null) parts.push(`slurm ${slurm.toFixed(1)} s (${(total / slurm).toFixed(1)}/s);`);
    parts.push(`xargs -P${cores} true ${limit.toFixed(2)} s`);
    if (ours !== null && slurm !== null) parts.push(`; osmo/slurm ${(ours.seconds / slurm).toFixed(2)}×`);
    if (ours !== null) parts.push(`; osmo/limit ${(ours.seconds / limit).toFixed(0)}×`);
    if (onSlurm !== null) {
      parts.push(`; osmo on slurm ${rate(onSlurm)}`);
      if (slurm !== null) parts.push(`, osmo-on-slurm/slurm ${(onSlurm.seconds / slurm).toFixed(2)}×`);
    }
    line(parts.join(' ').replaceAll(' ;', ';').replaceAll(' ,', ','));
  }
}

if (only.has('idle')) {
  const ours = await osmoIdle(idleSamples);
  const slurm = hasSlurm ? await slurmIdle(idleSamples) : null;
  const p = (sorted: readonly number[]): string =>
    `p50 ${percentile(sorted, 50).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms`;
  line(
    `idle submit → start (${idleSamples} samples): osmo ${p(ours)}` +
      (slurm === null
        ? ''
        : `; slurm ${p(slurm)}; osmo/slurm p50 ${(percentile(ours, 50) / percentile(slurm, 50)).toFixed(2)}×`),
  );
}

for (const [key, script] of [
  ['list', 'list'],
  ['logs', 'logs'],
  ['wide', 'wide'],
  ['cli', 'cli-start'],
] as const) {
  if (!only.has(key)) continue;
  line(`--- ${script}`);
  await runBench(script);
}
