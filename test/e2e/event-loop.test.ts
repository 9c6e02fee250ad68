// One user's heavy specs or thousands of waiting workflows never freeze the service for the others,
// and a dry run refuses exactly what a submit refuses.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceProcess } from './harness.js';
import { eventually, startServiceProcess, tempDir } from './harness.js';
import { NO_GPU_QUOTA_CONFIG, prefillPendingWorkflows } from './pending-workflows.js';

/** The chained spec of the freeze report (about 958 KB): every task reads the one before it. */
function chain(tasks: number): string {
  const lines = ['workflow:', '  name: chain', '  tasks:'];
  for (let i = 0; i < tasks; i++) {
    const input = i === 0 ? '' : `, inputs: [{task: t${i - 1}}]`;
    lines.push(`  - {name: t${i}, image: bash, command: [x]${input}}`);
  }
  return `${lines.join('\n')}\n`;
}

async function devLogin(url: string, user: string): Promise<Record<string, string>> {
  const r = await fetch(`${url}/api/auth/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user }),
  });
  const { token } = (await r.json()) as { token: string };
  return { 'content-type': 'application/json', authorization: `Bearer ${token}` };
}

/** Sequential `/health` probes until `done` settles: a frozen event loop shows as one long probe. */
async function healthWhile(url: string, done: Promise<unknown>): Promise<number[]> {
  let settled = false;
  void done.finally(() => (settled = true));
  const latencies: number[] = [];
  while (!settled) {
    const t0 = performance.now();
    await (await fetch(`${url}/health`)).arrayBuffer();
    latencies.push(performance.now() - t0);
    await sleep(20);
  }
  return latencies.sort((a, b) => a - b);
}

const median = (sorted: readonly number[]): number => sorted[Math.floor(sorted.length / 2)] ?? NaN;

describe('heavy specs and dry runs', () => {
  let service: ServiceProcess;
  let headers: Record<string, string>;
  before(async () => {
    service = await startServiceProcess();
    headers = await devLogin(service.url, 'carol');
  });
  after(() => service.stop());

  const submit = (query: string, file: string) =>
    fetch(`${service.url}/api/pool/default/workflow${query}`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ file }),
    });

  test('five 958 KB specs of 14,000 chained tasks are refused with the task limit while /health answers', async () => {
    const heavy = chain(14_000);
    const answers = Promise.all([1, 2, 3, 4, 5].map(() => submit('', heavy)));
    const latencies = await healthWhile(service.url, answers);
    for (const r of await answers) {
      assert.equal(r.status, 400);
      assert.equal(
        ((await r.json()) as { message: string }).message,
        'Workflow cannot have more than 20 tasks.',
      );
    }
    // The spec work runs beside the event loop: on it, each such spec held every request for a second or more.
    const worst = latencies[latencies.length - 1] ?? 0;
    assert.ok(worst < 1000, `slowest /health took ${worst.toFixed(0)} ms`);
  });

  test('past the queued-spec budget a submit gets 429 at once, and the rest their answer', async () => {
    const heavy = chain(14_000);
    const answers = await Promise.all(Array.from({ length: 12 }, () => submit('', heavy)));
    const bodies = await Promise.all(answers.map(async (r) => [r.status, await r.json()] as const));
    const busy = bodies.filter(([status]) => status === 429);
    assert.ok(busy.length >= 1, `statuses ${bodies.map(([s]) => s).join(' ')}`);
    for (const [, body] of busy) {
      assert.match(
        (body as { message: string }).message,
        /^The service is busy checking \d+ other workflow specs/,
      );
    }
    for (const [status, body] of bodies.filter(([s]) => s !== 429)) {
      assert.equal(status, 400);
      assert.equal((body as { message: string }).message, 'Workflow cannot have more than 20 tasks.');
    }
  });

  test('app create and update check the spec the same way', async () => {
    const r = await fetch(`${service.url}/api/app/user/heavy-app?description=x`, {
      method: 'POST',
      headers,
      body: JSON.stringify(chain(30)),
    });
    assert.equal(r.status, 400);
    assert.equal(
      ((await r.json()) as { message: string }).message,
      'Workflow cannot have more than 20 tasks.',
    );
  });

  const task = (name: string, extra = ''): string =>
    `  - name: ${name}\n    image: ubuntu\n    command: [echo]\n${extra}`;
  const refusedBySubmit: ReadonlyArray<[string, string]> = [
    ['duplicate task names', `workflow:\n  name: dup\n  tasks:\n${task('a')}${task('a')}`],
    [
      'a quantity unit the schema does not know (16GB)',
      `workflow:\n  name: units\n  resources:\n    default:\n      memory: 16GB\n  tasks:\n${task('a')}`,
    ],
    ['too many tasks', `workflow:\n  name: many\n  tasks:\n${chain(21).split('\n').slice(3).join('\n')}`],
    [
      'a platform the pool lacks',
      `workflow:\n  name: plat\n  resources:\n    default:\n      platform: nowhere\n  tasks:\n${task('a')}`,
    ],
    [
      'a credential the user lacks',
      `workflow:\n  name: cred\n  tasks:\n${task('a', '    credentials:\n      nothing-stored: /creds\n')}`,
    ],
  ];
  for (const [name, text] of refusedBySubmit) {
    test(`a dry run refuses what a submit refuses, and records nothing: ${name}`, async () => {
      const dry = await submit('?dry_run=true', text);
      const dryBody = (await dry.json()) as Record<string, unknown>;
      const listed = async (): Promise<number> => {
        const r = await fetch(`${service.url}/api/workflow?statuses=FAILED_SUBMISSION&limit=1000`, {
          headers,
        });
        return ((await r.json()) as { workflows: unknown[] }).workflows.length;
      };
      const recordsBefore = await listed();
      const real = await submit('', text);
      assert.equal(dry.status, real.status);
      assert.ok(dry.status >= 400 && dry.status < 500, `status ${dry.status}`);
      assert.deepEqual(dryBody, await real.json());
      assert.equal(await listed(), recordsBefore + 1, 'only the real submit leaves a FAILED_SUBMISSION');
    });
  }

  test('a dry run of a good spec renders it and says whether it would start', async () => {
    const r = await submit('?dry_run=true', `workflow:\n  name: fine\n  tasks:\n${task('a')}`);
    assert.equal(r.status, 200);
    const body = (await r.json()) as { name: string; spec: string; scheduling: string };
    assert.equal(body.name, 'fine');
    assert.match(body.spec, /^workflow:\n/);
    assert.match(body.scheduling, /^Would start now/);
  });
});

describe('thousands of PENDING workflows', () => {
  const PENDING = 3000;
  let service: ServiceProcess;
  let headers: Record<string, string>;
  const waiting = (name: string, timeout = '') =>
    `workflow:\n  name: ${name}\n${timeout}  resources:\n    default:\n      gpu: 1\n  tasks:\n    - name: task\n      image: ubuntu\n      command: ['true']\n`;

  before(async () => {
    const dataDir = await tempDir('pending');
    const configFile = join(dataDir, 'pools.json');
    await writeFile(configFile, JSON.stringify(NO_GPU_QUOTA_CONFIG));
    await prefillPendingWorkflows(
      { kind: 'sqlite', file: join(dataDir, 'osmo.db') },
      PENDING,
      waiting('waiting'),
    );
    service = await startServiceProcess({ dataDir, args: ['--config', configFile] });
    headers = await devLogin(service.url, 'dave');
  });
  after(() => service.stop());

  test('an idle /health stays quick on SQLite', async () => {
    // First the engine queues every one of them; then beats, dispatch passes and nothing else happen.
    await healthWhile(service.url, sleep(5000));
    const latencies = await healthWhile(service.url, sleep(5000));
    const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? NaN;
    assert.ok(p99 < 150, `p99 /health ${p99.toFixed(0)} ms (median ${median(latencies).toFixed(0)} ms)`);
  });

  test('a queue timeout still fires among them', async () => {
    const r = await fetch(`${service.url}/api/pool/default/workflow`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ file: waiting('impatient', '  timeout:\n    queue_timeout: 2s\n') }),
    });
    assert.equal(r.status, 200, await r.clone().text());
    const { name } = (await r.json()) as { name: string };
    await eventually(async () => {
      const q = await fetch(`${service.url}/api/workflow/${name}`, { headers });
      const { status } = (await q.json()) as { status: string };
      return status === 'FAILED_QUEUE_TIMEOUT' ? status : null;
    }, 30_000);
  });
});
