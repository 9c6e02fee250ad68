// Task-log benchmark: one task prints `seq 1 N` under the real service (its own process); the logs are
// then read over HTTP as `osmo workflow logs` reads them. Prints the task's own run time, submit → all N
// lines received, lines/s, the service's peak RSS, and `seq 1 N > /dev/null` on this machine as the limit.
// Usage: node dist/bench/logs.js [--lines N=100000]
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { removeDir, startServiceProcess, tempDir } from '../test/e2e/harness.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return (i >= 0 ? process.argv[i + 1] : undefined) ?? fallback;
}

const lines = Number(arg('--lines', '100000'));
const FINISH_TIMEOUT_MS = 600_000;
const POLL_MS = 50;
const RSS_POLL_MS = 100;
// The goals this benchmark checks.
const GOAL_LINES_PER_SECOND = 100_000;
const GOAL_RATIO = 2;
const GOAL_RSS_MB = 250;

const spec = `workflow:
  name: bench-logs
  tasks:
    - name: task
      image: ubuntu
      command: ['seq', '1', '${lines}']
`;

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The largest resident set the process had (VmHWM), in MB; NaN where /proc does not tell. */
async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const m = /VmHWM:\s+(\d+) kB/.exec(status) ?? /VmRSS:\s+(\d+) kB/.exec(status);
  return m?.[1] === undefined ? NaN : Number(m[1]) / 1024;
}

/** Wall seconds of `seq 1 N > /dev/null`: what printing the lines costs with nobody reading them. */
function timeSeq(n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('sh', ['-c', `seq 1 ${n} > /dev/null`], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve((performance.now() - started) / 1000));
  });
}

interface TaskTimes {
  readonly status: string;
  readonly start_time: string | null;
  readonly end_time: string | null;
}

const wireDate = (text: string): Date => new Date(`${text}Z`);

const dataDir = await tempDir('bench-logs');
const service = await startServiceProcess({ dataDir, startTimeoutMs: 120_000 });
const pid = service.process.pid ?? 0;
let peakMb = await peakRssMb(pid);
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    peakMb = Math.max(peakMb, await peakRssMb(pid));
    await sleep(RSS_POLL_MS);
  }
})();

try {
  const login = (await (
    await fetch(`${service.url}/api/auth/dev/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench' }),
    })
  ).json()) as { token: string };
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${login.token}` };
  const idleMb = await peakRssMb(pid);

  const submitted = performance.now();
  const r = await fetch(`${service.url}/api/pool/default/workflow`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ file: spec }),
  });
  if (r.status !== 200) throw new Error(`submit failed: ${r.status} ${await r.text()}`);
  const { name } = (await r.json()) as { name: string };

  let task: TaskTimes;
  const deadline = Date.now() + FINISH_TIMEOUT_MS;
  for (;;) {
    const t = await fetch(`${service.url}/api/workflow/${name}/task/task`, { headers });
    task = (await t.json()) as TaskTimes;
    if (/^(COMPLETED|FAILED)/.test(task.status)) break;
    if (Date.now() > deadline) throw new Error(`the task did not finish: ${task.status}`);
    await sleep(POLL_MS);
  }
  const finished = performance.now();
  if (task.status !== 'COMPLETED') throw new Error(`the task ended ${task.status}`);

  // As `osmo workflow logs <id>` asks: the whole workflow log, streamed; the clock stops at line N.
  const response = await fetch(`${service.url}/api/workflow/${name}/logs`, { headers });
  if (response.body === null) throw new Error('the logs answer has no body');
  let taskLines = 0;
  let lastValue = '';
  let partial = '';
  let allAt = NaN;
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    const parts = (partial + decoder.decode(chunk, { stream: true })).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      const at = line.indexOf('[task] ');
      if (at < 0) continue;
      taskLines += 1;
      lastValue = line.slice(at + 7);
      if (taskLines === lines) allAt = performance.now();
    }
  }
  const streamEnded = performance.now();
  sampling = false;
  await sampler;

  const taskSeconds =
    task.start_time !== null && task.end_time !== null
      ? (wireDate(task.end_time).getTime() - wireDate(task.start_time).getTime()) / 1000
      : NaN;
  const endToEnd = (allAt - submitted) / 1000;
  const seqSeconds = await timeSeq(lines);
  const rate = lines / endToEnd;
  const ratio = endToEnd / taskSeconds;

  say(`task logs: one task runs \`seq 1 ${lines}\`, then GET /api/workflow/<id>/logs`);
  say(`  lines received            ${taskLines} of ${lines} (last: ${lastValue})`);
  say(`  task run time             ${taskSeconds.toFixed(2)} s (its start and end times)`);
  say(`  submit → task finished    ${((finished - submitted) / 1000).toFixed(2)} s`);
  say(
    `  submit → all lines read   ${endToEnd.toFixed(2)} s (stream closed after ${((streamEnded - submitted) / 1000).toFixed(2)} s)`,
  );
  say(`  lines/s end to end        ${Math.round(rate)} (goal ≥ ${GOAL_LINES_PER_SECOND})`);
  say(`  end to end / task time    ${ratio.toFixed(2)} (goal ≤ ${GOAL_RATIO})`);
  say(
    `  service peak RSS          ${peakMb.toFixed(0)} MB (idle ${idleMb.toFixed(0)} MB; goal ≤ ${GOAL_RSS_MB})`,
  );
  say(
    `  limit: seq 1 ${lines} > /dev/null   ${seqSeconds.toFixed(3)} s (${Math.round(lines / seqSeconds)} lines/s)`,
  );
  say(`  ratio to the limit        ${(endToEnd / seqSeconds).toFixed(1)}× slower`);
  if (taskLines !== lines) process.exitCode = 1;
} finally {
  sampling = false;
  await sampler;
  await service.stop();
  await removeDir(dataDir);
}
