// Shared by the benchmarks: a real service in a temp directory, N one-task workflows submitted over HTTP,
// and the stored times of every workflow once all have finished.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseServiceConfig } from '../src/config/service-config.js';
import { startService } from '../src/main/service.js';

const SPEC = `workflow:
  name: bench
  tasks:
    - name: task
      image: ubuntu
      command: ['true']
`;

export interface LoadResult {
  readonly completed: number;
  readonly submitSeconds: number;
  readonly allSeconds: number;
  /** Sorted, milliseconds. */
  readonly submitLatencies: readonly number[];
  /** Sorted, milliseconds from submit to the workflow's first RUNNING. */
  readonly toRunning: readonly number[];
}

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

interface Entry {
  status: string;
  submit_time: string;
  start_time: string | null;
}

/** `prepare` may write files into the data directory and returns extra service configuration. */
export async function runSubmitLoad(
  total: number,
  concurrency: number,
  prepare: (dataDir: string) => Promise<Record<string, unknown>> = async () => ({}),
): Promise<LoadResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'osmo-bench-'));
  const extra = await prepare(dataDir);
  const service = await startService(
    parseServiceConfig({ dataDir, port: 0, devMode: true, logLevel: 'warn', ...extra }),
  );
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
    let entries: Entry[] = [];
    for (;;) {
      entries = [];
      for (let offset = 0; offset < total; offset += 1000) {
        const page = (await (
          await fetch(`${service.url}/api/workflow?limit=1000&offset=${offset}&order=ASC`, { headers })
        ).json()) as { workflows: Entry[] };
        entries.push(...page.workflows);
      }
      const finished = entries.every((e) => e.status === 'COMPLETED' || e.status.startsWith('FAILED'));
      if (entries.length >= total && finished) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    return {
      completed: entries.filter((e) => e.status === 'COMPLETED').length,
      submitSeconds,
      allSeconds: (performance.now() - started) / 1000,
      submitLatencies: [...submitLatencies].sort((a, b) => a - b),
      toRunning: entries
        .filter((e) => e.start_time !== null)
        .map((e) => Date.parse(`${e.start_time}Z`) - Date.parse(`${e.submit_time}Z`))
        .sort((a, b) => a - b),
    };
  } finally {
    await service.close();
    // Launched runtimes may still be writing their last files as the service stops.
    await rm(dataDir, { recursive: true, force: true, maxRetries: 5 });
  }
}
