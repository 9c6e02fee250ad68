// `osmo task list --all-users` for an ordinary user: everyone's tasks, but only in the pools the user may use.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ServiceProcess } from './harness.js';
import { eventually, loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

const pool = (description: string) => ({
  description,
  backend: 'local',
  default_platform: 'cpu',
  platforms: { cpu: {} },
});
const CONFIG = { backends: [{ name: 'local' }], pools: { default: pool('Shared'), secret: pool('Admins') } };

let service: ServiceProcess;
let dir: string;
let root: string;
let alice: string;
let bob: string;

async function runToEnd(who: string, name: string, poolName: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(
    file,
    `workflow:\n  name: ${name}\n  tasks:\n    - name: t\n      image: ubuntu\n      command: ["true"]\n`,
  );
  const r = await osmo(who, ['workflow', 'submit', file, '--pool', poolName]);
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

async function listed(who: string, ...args: string[]): Promise<string[]> {
  const r = await osmo(who, ['task', 'list', '--status', 'COMPLETED', '-t', 'json', ...args]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return (JSON.parse(r.stdout) as { tasks: { workflow_id: string }[] }).tasks
    .map((t) => t.workflow_id)
    .sort();
}

before(async () => {
  dir = await tempDir('task-scope');
  const configFile = join(dir, 'osmo.yaml');
  await writeFile(configFile, JSON.stringify(CONFIG));
  service = await startServiceProcess({ args: ['--config', configFile, '--admin', 'root'] });
  root = await loginAs(service.url, 'root');
  alice = await loginAs(service.url, 'alice');
  bob = await loginAs(service.url, 'bob');
});
after(async () => {
  await service.stop();
  for (const d of [dir, root, alice, bob, service.dataDir]) await removeDir(d);
});

test('an ordinary user lists every user tasks in the pools its roles allow, and no others', async () => {
  const shared = await runToEnd(alice, 'shared-work', 'default');
  const hidden = await runToEnd(root, 'admin-work', 'secret');
  assert.deepEqual(await listed(bob), [], 'without --all-users only the caller');
  assert.deepEqual(await listed(bob, '--all-users'), [shared]);
  assert.deepEqual(await listed(bob, '--user', 'alice'), [shared]);
  assert.deepEqual(await listed(bob, '--all-users', '--pool', 'secret'), []);
  assert.deepEqual(await listed(bob, '--user', 'root'), []);
  const summary = await osmo(bob, [
    'task',
    'list',
    '--all-users',
    '--status',
    'COMPLETED',
    '-S',
    '-t',
    'json',
  ]);
  assert.equal(summary.code, 0, summary.stdout + summary.stderr);
  const users = (JSON.parse(summary.stdout) as { summaries: { user: string; pool: string }[] }).summaries;
  assert.deepEqual(
    users.map((s) => `${s.user}/${s.pool}`),
    ['alice/default'],
  );
  assert.deepEqual(await listed(root, '--all-users'), [shared, hidden].sort());
});
