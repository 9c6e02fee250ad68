// Wide-workflow benchmark: one workflow of T tasks (default 1,000; `node dist/bench/wide.js 10000`),
// each running `true`, on a real service in its own process with the workflow config's
// `max_num_tasks` raised to T. Prints submit → COMPLETED, tasks/s, and the goal (10,000 tasks in
// 60 s) as the peer figure with the ratio.
// `--engine-only`: the engine's own cost on the same workflow, without task processes (wide-engine.ts).
// Usage: node dist/bench/wide.js [T=1000] [--timeout S=900] [--engine-only]
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultConfigDocument } from '../src/config/pool-config.js';
import { startBenchService } from './service-process.js';
import { runEngineOnly } from './wide-engine.js';

const GOAL_TASKS = 10_000;
const GOAL_SECONDS = 60;
const POLL_MS = 250;

const positional = process.argv
  .slice(2)
  .filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
const tasks = Number(positional[0] ?? '1000');
const timeoutIndex = process.argv.indexOf('--timeout');
const timeoutSeconds = Number(timeoutIndex >= 0 ? process.argv[timeoutIndex + 1] : '900');

/** T tasks in the `tasks:` form: each its own group, so each starts as soon as capacity frees. */
export function wideSpec(count: number): string {
  const lines = ['workflow:', '  name: wide', '  tasks:'];
  for (let i = 0; i < count; i++) lines.push(`  - {name: t${i}, image: ubuntu, command: ['true']}`);
  return `${lines.join('\n')}\n`;
}

interface Listed {
  readonly name: string;
  readonly status: string;
  readonly start_time: string | null;
}

async function main(): Promise<void> {
  const service = await startBenchService({
    prepare: async (dataDir, configFile) => {
      // The stock pool and backend, with the task limit raised to what this run submits.
      const doc = defaultConfigDocument();
      const workflow = { ...doc.workflow, max_num_tasks: Math.max(20, tasks) };
      await writeFile(configFile, JSON.stringify({ ...doc, workflow }));
      return { kind: 'sqlite', file: join(dataDir, 'osmo.db') };
    },
  });
  try {
    const login = (await (
      await fetch(`${service.url}/api/auth/dev/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'bench' }),
      })
    ).json()) as { token: string };
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${login.token}` };
    const body = JSON.stringify({ file: wideSpec(tasks) });
    const started = performance.now();
    const r = await fetch(`${service.url}/api/pool/default/workflow`, { method: 'POST', headers, body });
    if (r.status !== 200) throw new Error(`submit failed: ${r.status} ${await r.text()}`);
    const { name } = (await r.json()) as { name: string };
    const submitSeconds = (performance.now() - started) / 1000;
    let firstRunningSeconds: number | null = null;
    let status = 'PENDING';
    const deadline = started + timeoutSeconds * 1000;
    while (performance.now() < deadline) {
      const page = (await (await fetch(`${service.url}/api/workflow?limit=5`, { headers })).json()) as {
        workflows: Listed[];
      };
      const entry = page.workflows.find((w) => w.name === name);
      status = entry?.status ?? status;
      if (firstRunningSeconds === null && entry?.start_time) {
        firstRunningSeconds = (performance.now() - started) / 1000;
      }
      if (status === 'COMPLETED' || status.startsWith('FAILED')) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const seconds = (performance.now() - started) / 1000;
    const rate = tasks / seconds;
    const goalRate = GOAL_TASKS / GOAL_SECONDS;
    process.stdout.write(
      [
        `wide workflow: ${tasks} tasks (a group each, \`true\`), process backend, SQLite`,
        `  submit answered:      ${submitSeconds.toFixed(2)} s (${(body.length / 1024).toFixed(0)} KB spec)`,
        `  first task running:   ${firstRunningSeconds === null ? 'never' : `${firstRunningSeconds.toFixed(2)} s`}`,
        `  submit → ${status}: ${seconds.toFixed(1)} s, ${rate.toFixed(1)} tasks/s`,
        `  goal: ${GOAL_TASKS} tasks in ${GOAL_SECONDS} s = ${goalRate.toFixed(1)} tasks/s; ratio ours/goal ${(rate / goalRate).toFixed(2)}`,
        '',
      ].join('\n'),
    );
    if (status !== 'COMPLETED') process.exitCode = 1;
  } finally {
    await service.stop();
  }
}

async function engineOnly(): Promise<void> {
  const cost = await runEngineOnly(tasks, wideSpec(tasks));
  const perTask = (cost.enqueueSeconds + cost.planSeconds + cost.reportsSeconds) / tasks;
  process.stdout.write(
    [
      `wide workflow, engine only: ${tasks} tasks (a group each), SQLite, no task processes`,
      `  submit (parse, admission, rows): ${cost.submitSeconds.toFixed(2)} s`,
      `  passes until every group is queued: ${cost.enqueueSeconds.toFixed(2)} s`,
      `  one dispatch plan placing all ${tasks}: ${cost.planSeconds.toFixed(2)} s`,
      `  ${cost.reports} reports, each followed by a pass: ${cost.reportsSeconds.toFixed(2)} s ` +
        `(${((cost.reportsSeconds / cost.reports) * 1000).toFixed(2)} ms, ${cost.statementsPerReport.toFixed(1)} statements, ` +
        `${cost.rowsPerReport.toFixed(1)} rows returned per report) → ${cost.status}`,
      `  engine time per task ${(perTask * 1000).toFixed(2)} ms: ${(1 / perTask).toFixed(0)} tasks/s; ` +
        `goal ${(GOAL_TASKS / GOAL_SECONDS).toFixed(1)} tasks/s; ratio ours/goal ${(1 / perTask / (GOAL_TASKS / GOAL_SECONDS)).toFixed(1)}`,
      '',
    ].join('\n'),
  );
}

await (process.argv.includes('--engine-only') ? engineOnly() : main());
