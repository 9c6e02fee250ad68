// `osmo usage` and `workflow query`'s usage: resource-hours from the attempts' own times and requests.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ServiceProcess } from './harness.js';
import { eventually, loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

let service: ServiceProcess;
let root: string;
let alice: string;
let bob: string;
let work: string;
let aliceWf: string;
const METRICS_TOKEN = 'usage-scrape-token-0123456789';

interface Usage {
  group_by: string;
  usage: Record<string, string | number>[];
  total: { attempts: number; cpu_hours: number; gpu_hours: number; memory_gib_hours: number };
}

async function runToEnd(who: string, name: string, cpu: number): Promise<string> {
  const file = join(work, `${name}.yaml`);
  await writeFile(
    file,
    `workflow:\n  name: ${name}\n  resources:\n    default:\n      cpu: ${cpu}\n      memory: 64Mi\n` +
      `  tasks:\n    - name: t\n      image: ubuntu\n      command: [sh, -c, "sleep 2"]\n`,
  );
  const r = await osmo(who, ['workflow', 'submit', file]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const id = /Workflow ID\s+-\s+(\S+)/.exec(r.stdout)?.[1] ?? '';
  await eventually(async () => {
    const q = JSON.parse((await osmo(who, ['workflow', 'query', id, '-t', 'json'])).stdout) as {
      status: string;
    };
    return q.status === 'COMPLETED' ? true : null;
  });
  return id;
}

async function usage(who: string, ...args: string[]): Promise<Usage> {
  const r = await osmo(who, ['usage', '-t', 'json', ...args]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return JSON.parse(r.stdout) as Usage;
}

before(async () => {
  service = await startServiceProcess({
    args: ['--admin', 'root'],
    env: { OSMO_METRICS_TOKEN: METRICS_TOKEN },
  });
  root = await loginAs(service.url, 'root');
  alice = await loginAs(service.url, 'alice');
  bob = await loginAs(service.url, 'bob');
  work = await tempDir('usage');
  aliceWf = await runToEnd(alice, 'alice-work', 2);
  await runToEnd(bob, 'bob-work', 1);
});
after(async () => {
  await service.stop();
  for (const d of [root, alice, bob, work, service.dataDir]) await removeDir(d);
});

test('a user sees only their own usage, summed from the attempt time and its request', async () => {
  const mine = await usage(alice);
  assert.deepEqual(
    mine.usage.map((r) => r.user),
    ['alice'],
  );
  // 2 CPUs held for at least the 2 s sleep, and for well under a minute.
  assert.ok(
    mine.total.cpu_hours >= (2 * 2) / 3600 - 0.001 && mine.total.cpu_hours < (2 * 60) / 3600,
    String(mine.total.cpu_hours),
  );
  assert.equal(mine.total.gpu_hours, 0);
  assert.equal(mine.total.attempts, 1);
  const refused = await osmo(alice, ['usage', '--user', 'bob']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stdout + refused.stderr, /Only administrators may see the usage of other users/);
});

test('an admin sees everyone, per user, per task and filtered, in json, csv and text', async () => {
  const all = await usage(root);
  assert.deepEqual(all.usage.map((r) => r.user).sort(), ['alice', 'bob']);
  const bobOnly = await usage(root, '--user', 'bob', '--group-by', 'workflow');
  assert.deepEqual(
    bobOnly.usage.map((r) => [r.user, String(r.workflow_id).startsWith('bob-work-')]),
    [['bob', true]],
  );
  const csv = await osmo(root, ['usage', '--group-by', 'task', '-t', 'csv']);
  assert.equal(csv.code, 0, csv.stderr);
  const lines = csv.stdout.trimEnd().split('\r\n');
  assert.equal(lines[0], 'workflow_id,task_name,user,pool,attempts,gpu_hours,cpu_hours,memory_gib_hours');
  assert.equal(lines.length, 3);
  const text = await osmo(root, ['usage']);
  assert.match(
    text.stdout,
    /^Usage from \S+ to \S+:\nUser +Attempts +GPU Hours +CPU Hours +Memory GiB Hours/,
  );
  assert.match(text.stdout, /\nTotal +2 /);
  const before = await usage(root, '--since', '2001-01-01', '--until', '2001-02-01');
  assert.deepEqual(before.usage, []);
  const inverted = await osmo(root, ['usage', '--since', '2001-02-01', '--until', '2001-01-01']);
  assert.match(inverted.stdout + inverted.stderr, /since must be before until/);
});

test('workflow query reports the same usage as osmo usage for that workflow', async () => {
  const q = JSON.parse((await osmo(alice, ['workflow', 'query', aliceWf, '-t', 'json'])).stdout) as {
    usage: Usage['total'];
  };
  const perWorkflow = await usage(alice, '--group-by', 'workflow');
  const row = perWorkflow.usage.find((r) => r.workflow_id === aliceWf);
  assert.ok(row);
  assert.equal(q.usage.attempts, 1);
  assert.equal(q.usage.cpu_hours, row.cpu_hours);
  assert.equal(q.usage.memory_gib_hours, row.memory_gib_hours);
  assert.ok(q.usage.memory_gib_hours > 0);
});

test('/metrics counts the same resource-hours, window after window', async () => {
  const total = (await usage(root)).total;
  const cpuHours = async (): Promise<number> => {
    const r = await fetch(`${service.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    const text = await r.text();
    let sum = 0;
    for (const m of text.matchAll(/^osmo_resource_hours_total\{[^}]*resource="cpu"[^}]*\} (\S+)$/gm))
      sum += Number(m[1]);
    return sum;
  };
  // Each scrape adds the window since the one before; rows are read a moment behind the clock.
  const counted = await eventually(async () => {
    const v = await cpuHours();
    return Math.abs(v - total.cpu_hours) < 1e-5 ? v : null;
  }, 15_000);
  assert.ok(counted > 0);
});
