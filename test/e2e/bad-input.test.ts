// Bad input never crashes the service: each case gets upstream's error and exit code, and the service stays up.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ServiceProcess } from './harness.js';
import { loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

let service: ServiceProcess;
let user: string;
let specs: string;

before(async () => {
  service = await startServiceProcess();
  user = await loginAs(service.url, 'carol');
  specs = await tempDir('bad');
});

after(async () => {
  await service.stop();
  for (const dir of [service.dataDir, user, specs]) await removeDir(dir);
});

async function submit(name: string, text: string, extra: readonly string[] = []) {
  const file = join(specs, name);
  await writeFile(file, text);
  return osmo(user, ['workflow', 'submit', file, ...extra]);
}

async function assertServiceUp(): Promise<void> {
  const r = await fetch(`${service.url}/health`);
  assert.equal(r.status, 200);
}

test('malformed YAML names the line', async () => {
  const r = await submit(
    'malformed.yaml',
    'workflow:\n  name: x\n  tasks:\n    - name: a\n      command: [unclosed\n',
  );
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /line \d+/i);
  await assertServiceUp();
});

test('an unknown field is named', async () => {
  const r = await submit(
    'unknown.yaml',
    'workflow:\n  name: x\n  tasks:\n    - name: a\n      image: ubuntu\n      command: [true]\n      colour: blue\n',
  );
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /colour/);
  await assertServiceUp();
});

test('an oversized spec is refused', async () => {
  const big = `workflow:\n  name: big\n  tasks:\n    - name: a\n      image: ubuntu\n      command: [echo, '${'x'.repeat(3 * 1024 * 1024)}']\n`;
  const r = await submit('big.yaml', big);
  assert.notEqual(r.code, 0);
  assert.match(r.stdout, /larger|too large|limit/i);
  await assertServiceUp();
});

test('a huge --set value is refused with its limit', async () => {
  const r = await submit(
    'set.yaml',
    'workflow:\n  name: setter\n  tasks:\n    - name: a\n      image: ubuntu\n      command: [echo, "{{ value }}"]\n',
    ['--set', `value=${'y'.repeat(100_000)}`],
  );
  assert.notEqual(r.code, 0);
  assert.match(r.stdout, /65536 characters/);
  await assertServiceUp();
});

test('a workflow id that does not exist', async () => {
  const r = await osmo(user, ['workflow', 'query', 'nothing-here-42']);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /Workflow nothing-here-42 is not found\./);
  await assertServiceUp();
});

test('requests without a valid token are refused', async () => {
  const none = await fetch(`${service.url}/api/workflow`);
  assert.equal(none.status, 401);
  const tampered = await fetch(`${service.url}/api/workflow`, { headers: { authorization: 'Bearer a.b.c' } });
  assert.equal(tampered.status, 401);
  const spoofed = await fetch(`${service.url}/api/workflow`, { headers: { 'x-osmo-user': 'carol' } });
  assert.equal(spoofed.status, 401);
});

test('an unknown resource is a 404 naming it, not a server error', async () => {
  const r = await osmo(user, ['resource', 'info', 'no-such-node']);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /Resource no-such-node does not exist!/);
  assert.doesNotMatch(r.stdout, /Status Code: 500/);
  await assertServiceUp();
});

test('a template syntax error names its line and no Python class', async () => {
  const r = await submit(
    'jinja.yaml',
    'default-values:\n  n: 1\nworkflow:\n  name: j\n  tasks:\n    - name: a\n      image: ubuntu\n      command: [echo, "{{ n n }}"]\n',
  );
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /Jinja substitution failure: syntax error on line 8: /);
  assert.doesNotMatch(r.stdout, /<class|jinja2/);
  await assertServiceUp();
});

test('a spec without a workflow key and an unknown platform say what to change', async () => {
  const missing = await submit('none.yaml', 'version: 2\n  workflow:\n    name: x\n');
  assert.equal(missing.code, 1, missing.stdout + missing.stderr);
  assert.match(missing.stdout, /Workflow spec not found\. The spec needs a top-level "workflow:" key/);
  const platform = await submit(
    'platform.yaml',
    'workflow:\n  name: p\n  resources:\n    default:\n      platform: nope\n  tasks:\n    - name: a\n      image: ubuntu\n      command: ["true"]\n',
  );
  assert.notEqual(platform.code, 0, platform.stdout + platform.stderr);
  assert.match(
    platform.stdout,
    /Platform nope does not exist in pool default! Set "resources\.default\.platform" to /,
  );
  await assertServiceUp();
});
