// Keystroke echo latency of `osmo workflow exec` on an idle service: one key at a time typed into
// the real CLI on a pseudo-terminal (terminal -> osmo -> service WebSocket -> the task's pty), timed
// until its echo shows, against the same keys typed into `cat` on a local pty (the limit), interleaved.
// Usage: node dist/bench/exec-echo.js [keys=300] [rounds=2]
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawn, type IPty } from 'node-pty';
import { eventually, loginAs, OSMO_BIN, osmo, tempDir } from '../test/e2e/harness.js';
import { startBenchService } from './service-process.js';

const keys = Number(process.argv[2] ?? 300);
const rounds = Number(process.argv[3] ?? 2);
const P99_GOAL_MS = 20;

/** Waits until the terminal has shown `marker` (after what it showed before). */
function shown(term: IPty, marker: string, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`"${marker}" did not show; the terminal showed ${JSON.stringify(seen.slice(-200))}`));
    }, timeoutMs);
    const sub = term.onData((d) => {
      seen += d;
      if (seen.includes(marker)) {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
  });
}

/** Milliseconds from each key typed to its echo, one key at a time (letters a..z in turn). */
async function echoTimes(term: IPty): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < keys; i++) {
    const key = String.fromCharCode(97 + (i % 26));
    const echoed = shown(term, key, 10_000);
    const started = performance.now();
    term.write(key);
    await echoed;
    times.push(performance.now() - started);
    // Each line stays short: the echo of one key is one byte.
    if (i % 40 === 39) {
      const cleared = shown(term, '\n', 10_000);
      term.write('\r');
      await cleared;
    }
  }
  return times;
}

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

async function main(): Promise<void> {
  const service = await startBenchService({});
  try {
    const user = await loginAs(service.url, 'bench-user');
    const spec = join(await tempDir('exec-bench'), 'idle.yaml');
    await writeFile(
      spec,
      'workflow:\n  name: idle\n  tasks:\n  - name: t\n    image: ubuntu\n    command: [sleep, "3600"]\n',
    );
    const submitted = await osmo(user, ['workflow', 'submit', spec]);
    const id = /Workflow ID\s+-\s+(\S+)/.exec(submitted.stdout)?.[1] ?? '';
    await eventually(async () => {
      const q = await osmo(user, ['workflow', 'query', id, '--format-type', 'json']);
      return (JSON.parse(q.stdout) as { status: string }).status === 'RUNNING' ? true : null;
    }, 60_000);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    env.OSMO_CONFIG_FILE_DIR = user;
    const through: number[] = [];
    const direct: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const viaOsmo = spawn(
        process.execPath,
        [OSMO_BIN, 'workflow', 'exec', id, 't', '--entry', 'sh -c "echo ready; exec cat"'],
        {
          cols: 80,
          rows: 24,
          env,
        },
      );
      await shown(viaOsmo, 'ready');
      through.push(...(await echoTimes(viaOsmo)));
      viaOsmo.kill();
      const local = spawn('cat', [], { cols: 80, rows: 24, env });
      direct.push(...(await echoTimes(local)));
      local.kill();
    }
    await osmo(user, ['workflow', 'cancel', id]);
    const row = (name: string, t: number[]): string =>
      `${name.padEnd(34)} p50 ${percentile(t, 50).toFixed(2)} ms  p99 ${percentile(t, 99).toFixed(2)} ms  (n=${t.length})`;
    process.stdout.write(`${row('through osmo workflow exec', through)}\n`);
    process.stdout.write(`${row('local pty (cat), the limit', direct)}\n`);
    process.stdout.write(
      `ratio p50 ${(percentile(through, 50) / percentile(direct, 50)).toFixed(1)}x  p99 ${(percentile(through, 99) / percentile(direct, 99)).toFixed(1)}x; ` +
        `goal p99 <= ${P99_GOAL_MS} ms: ${percentile(through, 99) <= P99_GOAL_MS ? 'met' : 'NOT met'}\n`,
    );
  } finally {
    await service.stop();
  }
}

await main();
