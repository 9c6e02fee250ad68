// End to end: the workflow config's task limit and timeouts, shown and changed with `osmo config`,
// are what a submit is held to.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ServiceProcess } from './harness.js';
import { loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

let service: ServiceProcess;
let dir: string;
let admin: string;

before(async () => {
  dir = await tempDir('limits');
  service = await startServiceProcess({ args: ['--admin', 'root'] });
  admin = await loginAs(service.url, 'root');
});
after(async () => {
  await service.stop();
  await removeDir(dir);
});

const wideFile = async (tasks: number): Promise<string> => {
  const file = join(dir, `wide-${tasks}.yaml`);
  const lines = Array.from(
    { length: tasks },
    (_, i) => `  - {name: t${i}, image: ubuntu, command: ['true']}`,
  );
  await writeFile(file, `workflow:\n  name: wide\n  tasks:\n${lines.join('\n')}\n`);
  return file;
};

const shown = async (): Promise<Record<string, unknown>> => {
  const r = await osmo(admin, ['config', 'show', 'WORKFLOW']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
};

test('max_num_tasks defaults to 20, is raised by config update, and holds submits to the new value', async () => {
  const defaults = await shown();
  assert.equal(defaults['max_num_tasks'], 20);
  assert.equal(defaults['max_exec_timeout'], '60d');
  const refused = await osmo(admin, ['workflow', 'submit', await wideFile(21), '--dry-run']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stdout + refused.stderr, /Workflow cannot have more than 20 tasks\./);

  const file = join(dir, 'workflow.json');
  await writeFile(file, JSON.stringify({ ...defaults, max_num_tasks: 30 }));
  const updated = await osmo(admin, ['config', 'update', 'WORKFLOW', '-f', file, '-d', 'wider workflows']);
  assert.equal(updated.code, 0, updated.stdout + updated.stderr);
  const now = await shown();
  assert.equal(now['max_num_tasks'], 30);
  assert.equal(now['max_retry_per_task'], 0);

  const accepted = await osmo(admin, ['workflow', 'submit', await wideFile(30), '--dry-run']);
  assert.equal(accepted.code, 0, accepted.stdout + accepted.stderr);
  const over = await osmo(admin, ['workflow', 'submit', await wideFile(31), '--dry-run']);
  assert.notEqual(over.code, 0);
  assert.match(over.stdout + over.stderr, /Workflow cannot have more than 30 tasks\./);
});

test('a workflow config value that is not a duration is refused', async () => {
  const file = join(dir, 'bad.json');
  await writeFile(file, JSON.stringify({ ...(await shown()), max_queue_timeout: 'soon' }));
  const r = await osmo(admin, ['config', 'update', 'WORKFLOW', '-f', file, '-d', 'bad']);
  assert.notEqual(r.code, 0);
  assert.match(r.stdout + r.stderr, /max_queue_timeout/);
});
