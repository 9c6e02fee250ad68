// `osmo workflow logs --search/--context/--since/--until/--errors`: searched by the service, live file or archive.
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ServiceProcess } from './harness.js';
import { apiCall, eventually, loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

let service: ServiceProcess;
let user: string;
let other: string;
let work: string;
let id: string;

const SPEC = `workflow:
  name: noisy
  tasks:
  - name: worker
    image: ubuntu
    command: [sh, -c]
    args: ["i=1; while [ $i -le 40 ]; do echo step $i; i=$((i+1)); done; echo 'fatal: disk ERROR'; echo done; exit 3"]
`;

before(async () => {
  service = await startServiceProcess();
  user = await loginAs(service.url, 'erin');
  other = await loginAs(service.url, 'mallory');
  work = await tempDir('log-search');
  const file = join(work, 'noisy.yaml');
  await writeFile(file, SPEC);
  const r = await osmo(user, ['workflow', 'submit', file]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  id = /Workflow ID\s+-\s+(\S+)/.exec(r.stdout)?.[1] ?? '';
  await eventually(async () => {
    const q = JSON.parse((await osmo(user, ['workflow', 'query', id, '-t', 'json'])).stdout) as {
      status: string;
    };
    return q.status.startsWith('FAILED') ? true : null;
  });
});
after(async () => {
  await service.stop();
  for (const d of [user, other, work, service.dataDir]) await removeDir(d);
});

const body = (stdout: string): string[] =>
  stdout
    .split('\n')
    .slice(1)
    .filter((l) => l !== '');

test('--search prints only matching lines, --context the lines around them', async () => {
  const hits = await osmo(user, ['workflow', 'logs', id, '--search', 'step (7|1[0-2])$']);
  assert.equal(hits.code, 0, hits.stderr);
  assert.match(hits.stdout, /^Workflow \S+ has logs:\n/);
  assert.deepEqual(
    body(hits.stdout).map((l) => l.replace(/^\S+ \S+ /, '')),
    ['[worker] step 7', '[worker] step 10', '[worker] step 11', '[worker] step 12'],
  );
  const around = await osmo(user, ['workflow', 'logs', id, '-t', 'worker', '--search', 'ERROR', '-C', '1']);
  assert.deepEqual(
    body(around.stdout).map((l) => l.replace(/^\S+ \S+ /, '')),
    ['[worker] step 40', '[worker] fatal: disk ERROR', '[worker] done'],
  );
});

test('--since and --until select by the lines own times', async () => {
  const all = body((await osmo(user, ['workflow', 'logs', id, '-t', 'worker'])).stdout);
  const first = /^(\d{4})\/(\d\d)\/(\d\d) (\S+)/.exec(all[0] ?? '');
  assert.ok(first, all[0]);
  const at = `${first[1]}-${first[2]}-${first[3]}T${first[4]}`;
  const since = body((await osmo(user, ['workflow', 'logs', id, '-t', 'worker', '--since', at])).stdout);
  assert.ok(since.length > 0 && since.length <= all.length);
  const until = await osmo(user, ['workflow', 'logs', id, '--until', '2000-01-01']);
  assert.deepEqual(body(until.stdout), []);
  const bad = await osmo(user, ['workflow', 'logs', id, '--since', 'yesterday-ish']);
  assert.equal(bad.code, 2);
  assert.match(bad.stdout + bad.stderr, /since is not a date or time/);
});

test('--errors serves the failed attempt tail, and searches it', async () => {
  const errors = await osmo(user, ['workflow', 'logs', id, '-t', 'worker', '--errors']);
  assert.equal(errors.code, 0, errors.stderr);
  assert.match(errors.stdout, /^Workflow \S+ has error logs:\n/);
  assert.match(errors.stdout, /fatal: disk ERROR/);
  const searched = await osmo(user, [
    'workflow',
    'logs',
    id,
    '-t',
    'worker',
    '--errors',
    '--search',
    'fatal',
  ]);
  assert.deepEqual(
    body(searched.stdout).map((l) => l.replace(/^\S+ \S+ /, '')),
    ['[worker] fatal: disk ERROR'],
  );
  const login = await apiCall(service.url, 'POST', '/api/auth/dev/login', null, { username: 'erin' });
  const { token } = JSON.parse(login.text) as { token: string };
  const index = await apiCall(service.url, 'GET', `/api/workflow/${id}/error_logs`, token);
  assert.equal(index.status, 200, index.text);
  assert.match(
    index.text,
    /^Specify task for error logs\.\n\n\{"worker retry-0":"[^"]+error_logs\?task_name=worker&retry_id=0"\}$/,
  );
  const bad = await apiCall(service.url, 'GET', `/api/workflow/${id}/logs?search=${'y'.repeat(600)}`, token);
  assert.equal(bad.status, 400, bad.text);
});

test('a pattern that is not RE2 or too long is refused with 400; others may not search', async () => {
  const refused = await osmo(user, ['workflow', 'logs', id, '--search', '(a)\\1']);
  assert.equal(refused.code, 2);
  assert.match(refused.stdout + refused.stderr, /Invalid search pattern/);
  const long = await osmo(user, ['workflow', 'logs', id, '--search', 'x'.repeat(600)]);
  assert.match(long.stdout + long.stderr, /longer than 512 characters/);
  const denied = await osmo(other, ['workflow', 'logs', id, '--search', 'step']);
  assert.notEqual(denied.code, 0);
  assert.doesNotMatch(denied.stdout, /step 1/);
});

test('a finished workflow is searched in its archived log once the local copy is gone', async () => {
  await rm(join(service.dataDir, 'logs', id), { recursive: true, force: true });
  const hits = await osmo(user, ['workflow', 'logs', id, '--search', 'step 3[0-9]$', '-C', '0']);
  assert.equal(hits.code, 0, hits.stderr);
  assert.equal(body(hits.stdout).length, 10);
  const tail = await osmo(user, ['workflow', 'logs', id, '-t', 'worker', '-n', '2']);
  assert.deepEqual(
    body(tail.stdout).map((l) => l.replace(/^\S+ \S+ /, '')),
    ['[worker] fatal: disk ERROR', '[worker] done'],
  );
});

test('a running workflow is searched as its log stands, and the search ends while it runs', async () => {
  const file = join(work, 'slow.yaml');
  await writeFile(
    file,
    `workflow:\n  name: slow\n  tasks:\n  - name: sleeper\n    image: ubuntu\n    command: [sh, -c, "echo ready marker; echo other; sleep 60"]\n`,
  );
  const r = await osmo(user, ['workflow', 'submit', file]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const slow = /Workflow ID\s+-\s+(\S+)/.exec(r.stdout)?.[1] ?? '';
  try {
    const found = await eventually(async () => {
      const hits = await osmo(user, ['workflow', 'logs', slow, '--search', 'marker$'], 20_000);
      return body(hits.stdout).length > 0 ? hits : null;
    });
    assert.deepEqual(
      body(found.stdout).map((l) => l.replace(/^\S+ \S+ /, '')),
      ['[sleeper] ready marker'],
    );
    const q = JSON.parse((await osmo(user, ['workflow', 'query', slow, '-t', 'json'])).stdout) as {
      status: string;
    };
    assert.equal(q.status, 'RUNNING');
  } finally {
    await osmo(user, ['workflow', 'cancel', slow]);
  }
});
