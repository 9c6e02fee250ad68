// Submits N one-task workflows through the HTTP API and prints throughput and submit-to-RUNNING latency.
// Usage: node dist/bench/submit.js [N=1000] [concurrency=16]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseServiceConfig } from '../src/config/service-config.js';
import { startService } from '../src/main/service.js';

const total = Number(process.argv[2] ?? 1000);
const concurrency = Number(process.argv[3] ?? 16);
const SPEC = `workflow:
  name: bench
  tasks:
    - name: task
      image: ubuntu
      command: ['true']
`;

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

const dataDir = await mkdtemp(join(tmpdir(), 'osmo-bench-'));
const service = await startService(parseServiceConfig({ dataDir, port: 0, devMode: true, logLevel: 'warn' }));
try {
  const login = (await (
    await fetch(`${service.url}/api/auth/dev/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench' }),
    })
  ).json()) as { token: string };
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${login.token}` };

  const started = performance.now();
  let next = 0;
  const submitLatencies: number[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next += 1;
        const t0 = performance.now();
        const r = await fetch(`${service.url}/api/pool/default/workflow`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ file: SPEC }),
        });
        if (r.status !== 200) throw new Error(`submit failed: ${r.status} ${await r.text()}`);
        submitLatencies.push(performance.now() - t0);
      }
    }),
  );
  const submitSeconds = (performance.now() - started) / 1000;

  // Every workflow must finish; then their stored times give submit-to-RUNNING per workflow.
  type Entry = { status: string; submit_time: string; start_time: string | null };
  let entries: Entry[] = [];
  for (;;) {
    entries = [];
    for (let offset = 0; offset < total; offset += 1000) {
      const page = (await (
        await fetch(`${service.url}/api/workflow?limit=1000&offset=${offset}&order=ASC`, { headers })
      ).json()) as { workflows: Entry[] };
      entries.push(...page.workflows);
    }
    if (
      entries.length >= total &&
      entries.every((e) => e.status === 'COMPLETED' || e.status.startsWith('FAILED'))
    ) {
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const allSeconds = (performance.now() - started) / 1000;
  const toRunning = entries
    .filter((e) => e.start_time !== null)
    .map((e) => Date.parse(`${e.start_time}Z`) - Date.parse(`${e.submit_time}Z`))
    .sort((a, b) => a - b);
  const submits = [...submitLatencies].sort((a, b) => a - b);
  const completed = entries.filter((e) => e.status === 'COMPLETED').length;
  process.stdout.write(
    [
      `workflows:                 ${total} (${completed} COMPLETED), concurrency ${concurrency}`,
      `submit throughput:         ${(total / submitSeconds).toFixed(1)} workflows/s`,
      `submit request p50 / p99:  ${percentile(submits, 50).toFixed(1)} / ${percentile(submits, 99).toFixed(1)} ms`,
      `submit-to-RUNNING p50/p99: ${percentile(toRunning, 50).toFixed(0)} / ${percentile(toRunning, 99).toFixed(0)} ms`,
      `all finished after:        ${allSeconds.toFixed(1)} s (${(total / allSeconds).toFixed(1)} workflows/s end to end)`,
      '',
    ].join('\n'),
  );
} finally {
  await service.close();
  await rm(dataDir, { recursive: true, force: true });
}
