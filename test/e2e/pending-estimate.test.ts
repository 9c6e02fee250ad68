// Why a PENDING workflow waits and when it should start: from declared exec timeouts only, else "unknown".
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ServiceProcess } from './harness.js';
import { eventually, loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

const GiB = 1024 ** 3;
const CONFIG = {
  backends: [{ name: 'local', nodes: [{ name: 'n1', cpu: 16, memoryBytes: 64 * GiB, gpu: 8 }] }],
  pools: { default: { backend: 'local', default_platform: 'gpu', platforms: { gpu: {} } } },
};

let service: ServiceProcess;
let dir: string;
let user: string;

interface Query {
  status: string;
  pending_reason?: string;
  estimated_start_time?: string | null;
}

async function submit(name: string, timeout: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(
    file,
    `workflow:\n  name: ${name}\n${timeout}  resources:\n    default:\n      gpu: 8\n      cpu: 1\n      memory: 1Gi\n` +
      `  tasks:\n    - name: t\n      image: ubuntu\n      command: ["sleep", "300"]\n`,
  );
  const r = await osmo(user, ['workflow', 'submit', file]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return /Workflow ID\s+-\s+(\S+)/.exec(r.stdout)?.[1] ?? '';
}

const query = async (id: string): Promise<Query> =>
  JSON.parse((await osmo(user, ['workflow', 'query', id, '-t', 'json'])).stdout) as Query;

const running = (id: string) =>
  eventually(async () => ((await query(id)).status === 'RUNNING' ? true : null));
const waiting = (id: string) =>
  eventually(async () => {
    const q = await query(id);
    return q.pending_reason === undefined ? null : q;
  });

before(async () => {
  dir = await tempDir('eta');
  const configFile = join(dir, 'osmo.json');
  await writeFile(configFile, JSON.stringify(CONFIG));
  service = await startServiceProcess({ args: ['--config', configFile] });
  user = await loginAs(service.url, 'erin');
});
after(async () => {
  await service.stop();
  for (const d of [dir, user, service.dataDir]) await removeDir(d);
});

test('behind work without a declared exec timeout the estimate is unknown, never the 60-day default', async () => {
  const blocker = await submit('open-ended', '');
  await running(blocker);
  const waiter = await submit('waits-1', '');
  const q = await waiting(waiter);
  assert.equal(q.estimated_start_time ?? null, null, JSON.stringify(q));
  const text = await osmo(user, ['workflow', 'query', waiter]);
  assert.match(text.stdout, /Est\. Start {2}: unknown/);
  for (const id of [waiter, blocker]) assert.equal((await osmo(user, ['workflow', 'cancel', id])).code, 0);
});

test('behind work with a declared exec timeout the estimate is when that timeout ends', async () => {
  const blocker = await submit('bounded', '  timeout:\n    exec_timeout: 10m\n');
  await running(blocker);
  const waiter = await submit('waits-2', '');
  const q = await waiting(waiter);
  const at = Date.parse(`${q.estimated_start_time ?? ''}Z`);
  const inMinutes = (at - Date.now()) / 60_000;
  assert.ok(inMinutes > 8 && inMinutes <= 10, `${q.estimated_start_time} is ${inMinutes} minutes away`);
  for (const id of [waiter, blocker]) assert.equal((await osmo(user, ['workflow', 'cancel', id])).code, 0);
});
