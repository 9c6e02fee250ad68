// /metrics scraped over HTTP from the real service and parsed; /healthz and /readyz.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, loginAs, osmo, REPO_ROOT, startServiceProcess, type ServiceProcess } from './harness.js';
import { parseExposition, sampleValue as value } from './exposition.js';

const TOKEN = 'scrape-token-0123456789abcdef';

let service: ServiceProcess;
let configDir: string;

async function scrape(token: string | null = TOKEN): Promise<{ status: number; type: string; text: string }> {
  const r = await fetch(`${service.url}/metrics`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: r.status, type: r.headers.get('content-type') ?? '', text: await r.text() };
}

before(async () => {
  service = await startServiceProcess({
    env: {
      OSMO_METRICS_TOKEN: TOKEN,
      OSMO_NODES: JSON.stringify([{ name: 'gpu-node', cpu: 16, memoryBytes: 64 * 1024 ** 3, gpu: 8 }]),
    },
  });
  configDir = await loginAs(service.url, 'metrics-user@example.com');
});
after(async () => service.stop());

test('/metrics wants the bearer token it was started with', async () => {
  assert.equal((await scrape(null)).status, 401);
  assert.equal((await scrape('wrong-token-0123456789abcdef')).status, 401);
  const ok = await scrape();
  assert.equal(ok.status, 200);
  assert.match(ok.type, /^text\/plain; version=0\.0\.4/);
  assert.ok(parseExposition(ok.text).length > 0);
});

test('a finished workflow shows in task, log, latency and pool metrics', async () => {
  const before = parseExposition((await scrape()).text);
  const started0 = value(before, 'osmo_tasks_started_total', { pool: 'default' }) ?? 0;
  const r = await osmo(configDir, ['workflow', 'submit', join(REPO_ROOT, 'examples', 'quickstart.yaml')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const id = /quickstart-\d+/.exec(r.stdout)?.[0] ?? '';
  await eventually(async () => {
    const q = await osmo(configDir, ['workflow', 'query', id, '--format-type', 'json']);
    return (JSON.parse(q.stdout) as { status: string }).status === 'COMPLETED' ? true : null;
  }, 60_000);
  // Started and finished tasks are counted from a window that trails the clock by a moment.
  const samples = await eventually(async () => {
    const s = parseExposition((await scrape()).text);
    return (value(s, 'osmo_tasks_finished_total', { pool: 'default', status: 'COMPLETED' }) ?? 0) >= 2
      ? s
      : null;
  }, 20_000);
  assert.equal((value(samples, 'osmo_tasks_started_total', { pool: 'default' }) ?? 0) - started0, 2);
  assert.equal(value(samples, 'osmo_queue_wait_seconds_count', { pool: 'default' }), 2);
  assert.ok((value(samples, 'osmo_log_bytes_total') ?? 0) > 0);
  assert.ok((value(samples, 'osmo_storage_transfer_bytes_total', { direction: 'upload' }) ?? 0) > 0);
  // Nothing is alive any more: the gauges say zero rather than disappearing.
  assert.equal(value(samples, 'osmo_workflows', { pool: 'default', status: 'RUNNING' }), 0);
  assert.equal(value(samples, 'osmo_tasks', { pool: 'default', status: 'SCHEDULING' }), 0);
  assert.equal(value(samples, 'osmo_queue_depth', { pool: 'default' }), 0);
  assert.equal(value(samples, 'osmo_queue_oldest_wait_seconds', { pool: 'default' }), 0);
  assert.equal(value(samples, 'osmo_pool_gpus', { pool: 'default', kind: 'capacity' }), 8);
  assert.equal(value(samples, 'osmo_pool_gpus', { pool: 'default', kind: 'allocated' }), 0);
  // Latency is labelled by route pattern, never by the raw URL.
  assert.ok(
    (value(samples, 'osmo_http_request_duration_seconds_count', {
      method: 'POST',
      route: '/api/pool/:pool_name/workflow',
      status_code: '200',
    }) ?? 0) >= 1,
  );
  assert.ok(!samples.some((s) => (s.labels['route'] ?? '').includes(id)));
  assert.ok(value(samples, 'process_cpu_seconds_total') !== undefined);
});

test('a running workflow shows as alive until it ends', async () => {
  const spec = [
    'workflow:',
    '  name: sleeper',
    '  tasks:',
    '  - name: nap',
    '    image: busybox',
    "    command: ['sh', '-c', 'sleep 3']",
    '',
  ].join('\n');
  const file = join(configDir, 'sleeper.yaml');
  await writeFile(file, spec);
  const r = await osmo(configDir, ['workflow', 'submit', file]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const samples = await eventually(async () => {
    const s = parseExposition((await scrape()).text);
    return value(s, 'osmo_tasks', { pool: 'default', status: 'RUNNING' }) === 1 ? s : null;
  }, 20_000);
  assert.equal(value(samples, 'osmo_workflows', { pool: 'default', status: 'RUNNING' }), 1);
});

test('/healthz and /readyz answer OK while the store and storage answer', async () => {
  const health = await fetch(`${service.url}/healthz`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: 'OK' });
  const ready = await fetch(`${service.url}/readyz`);
  assert.equal(ready.status, 200);
  assert.deepEqual(await ready.json(), { status: 'OK' });
});

test('/readyz says 503 and names the storage when it cannot be reached; dev mode scrapes without a token', async () => {
  const unreachable = await startServiceProcess({
    env: {
      OSMO_STORAGE_URL: 's3://osmo/deploy',
      OSMO_S3_ENDPOINT: 'http://127.0.0.1:9',
      OSMO_S3_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'x',
    },
  });
  try {
    const ready = await fetch(`${unreachable.url}/readyz`);
    assert.equal(ready.status, 503);
    const body = (await ready.json()) as { status: string; problems: string[] };
    assert.equal(body.status, 'UNAVAILABLE');
    assert.equal(body.problems.length, 1);
    assert.match(body.problems[0] ?? '', /^storage: /);
    assert.equal((await fetch(`${unreachable.url}/metrics`)).status, 200);
  } finally {
    await unreachable.stop();
  }
});
