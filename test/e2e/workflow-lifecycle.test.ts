// End to end: the real service process, the real osmo executable, real task processes.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ServiceProcess } from './harness.js';
import { REPO_ROOT, eventually, loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

let service: ServiceProcess;
let alice: string;
let bob: string;
let specs: string;

const idOf = (stdout: string): string => {
  const m = /Workflow ID\s+-\s+(\S+)/.exec(stdout);
  assert.ok(m?.[1], `no workflow id in: ${stdout}`);
  return m[1];
};

async function spec(name: string, yaml: string): Promise<string> {
  const file = join(specs, `${name}.yaml`);
  await writeFile(file, yaml);
  return file;
}

interface QueryJson {
  status: string;
  groups: {
    name: string;
    status: string;
    tasks: { name: string; status: string; exit_code: number | null; failure_message: string | null }[];
  }[];
}

async function query(configDir: string, id: string): Promise<QueryJson> {
  const r = await osmo(configDir, ['workflow', 'query', id, '--format-type', 'json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return JSON.parse(r.stdout) as QueryJson;
}

const taskOf = (q: QueryJson, name: string) => q.groups.flatMap((g) => g.tasks).find((t) => t.name === name);

async function until(
  configDir: string,
  id: string,
  status: string | RegExp,
  timeoutMs = 30_000,
): Promise<QueryJson> {
  return eventually(async () => {
    const q = await query(configDir, id);
    return (typeof status === 'string' ? q.status === status : status.test(q.status)) ? q : null;
  }, timeoutMs);
}

before(async () => {
  service = await startServiceProcess();
  alice = await loginAs(service.url, 'alice');
  bob = await loginAs(service.url, 'bob');
  specs = await tempDir('specs');
});

after(async () => {
  await service.stop();
  for (const dir of [service.dataDir, alice, bob, specs]) await removeDir(dir);
});

describe('the quickstart flow', () => {
  test('two tasks, the second reads the first output, watched to COMPLETED', async () => {
    const r = await osmo(alice, [
      'workflow',
      'submit',
      join(REPO_ROOT, 'examples', 'quickstart.yaml'),
      '--watch',
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /COMPLETED/);
    const id = idOf(r.stdout);
    const logs = await osmo(alice, ['workflow', 'logs', id, '--task', 'consume']);
    assert.equal(logs.code, 0, logs.stdout + logs.stderr);
    assert.match(logs.stdout, /\[consume\] consume read: hello from produce/);
  });
});

describe('failures', () => {
  test('a failing task fails its workflow and its downstream task is FAILED_UPSTREAM', async () => {
    const file = await spec(
      'fail',
      `workflow:
  name: failing
  tasks:
    - name: first
      image: ubuntu
      command: ['sh', '-c', 'echo about to fail; exit 7']
    - name: second
      image: ubuntu
      command: ['true']
      inputs:
        - task: first
`,
    );
    const r = await osmo(alice, ['workflow', 'submit', file, '--watch']);
    assert.notEqual(r.code, 0);
    const q = await until(alice, idOf(r.stdout), 'FAILED');
    assert.equal(taskOf(q, 'first')?.status, 'FAILED');
    assert.equal(taskOf(q, 'first')?.exit_code, 7);
    assert.equal(taskOf(q, 'second')?.status, 'FAILED_UPSTREAM');
  });

  test('an exit action turns exit 15 into COMPLETED', async () => {
    const file = await spec(
      'exit15',
      `workflow:
  name: exit-action
  tasks:
    - name: fifteen
      image: ubuntu
      command: ['sh', '-c', 'exit 15']
      exitActions:
        COMPLETE: 15
`,
    );
    const r = await osmo(alice, ['workflow', 'submit', file, '--watch']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const q = await query(alice, idOf(r.stdout));
    assert.equal(taskOf(q, 'fifteen')?.status, 'COMPLETED');
    assert.equal(taskOf(q, 'fifteen')?.exit_code, 15);
  });

  test('an exec timeout ends a long task with FAILED_EXEC_TIMEOUT', async () => {
    const file = await spec(
      'timeout',
      `workflow:
  name: slow
  timeout:
    exec_timeout: 2s
  tasks:
    - name: sleeper
      image: ubuntu
      command: ['sleep', '60']
`,
    );
    const r = await osmo(alice, ['workflow', 'submit', file]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const q = await until(alice, idOf(r.stdout), 'FAILED_EXEC_TIMEOUT', 20_000);
    assert.equal(taskOf(q, 'sleeper')?.status, 'FAILED_EXEC_TIMEOUT');
  });

  test('restart runs only the failed part again, reading the old run outputs', async () => {
    const file = await spec(
      'restart',
      `workflow:
  name: restartable
  tasks:
    - name: make
      image: ubuntu
      command: ['sh', '-c', 'echo made > {{output}}/made.txt']
    - name: use
      image: ubuntu
      # Fails in the first run (id restartable-1) and succeeds in the restart (restartable-2).
      command: ['sh', '-c', 'case {{workflow_id}} in *-1) exit 1;; esac; cat {{input:0}}/made.txt']
      inputs:
        - task: make
`,
    );
    const first = await osmo(alice, ['workflow', 'submit', file, '--watch']);
    const id = idOf(first.stdout);
    await until(alice, id, 'FAILED');
    const r = await osmo(alice, ['workflow', 'restart', id]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const restarted = idOf(r.stdout);
    assert.notEqual(restarted, id);
    const q = await until(alice, restarted, 'COMPLETED');
    assert.deepEqual(
      q.groups.map((g) => g.name),
      ['use-group'],
    );
    const logs = await osmo(alice, ['workflow', 'logs', restarted]);
    assert.match(logs.stdout, /\[use\] made/);
  });
});

describe('groups and cancel', () => {
  test('in a 3-task group the lead finishing ends its siblings', async () => {
    const file = await spec(
      'lead',
      `workflow:
  name: lead-group
  groups:
    - name: trio
      tasks:
        - name: leader
          lead: true
          image: ubuntu
          command: ['sh', '-c', 'sleep 1; echo lead done']
        - name: helper-a
          image: ubuntu
          command: ['sleep', '60']
        - name: helper-b
          image: ubuntu
          command: ['sleep', '60']
`,
    );
    const r = await osmo(alice, ['workflow', 'submit', file, '--watch']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const q = await query(alice, idOf(r.stdout));
    for (const name of ['helper-a', 'helper-b']) {
      assert.equal(taskOf(q, name)?.status, 'COMPLETED');
      assert.equal(taskOf(q, name)?.failure_message, 'Lead task finished');
    }
  });

  test('cancel stops a sleeping workflow with FAILED_CANCELED', async () => {
    const file = await spec(
      'sleep',
      `workflow:
  name: sleepy
  tasks:
    - name: nap
      image: ubuntu
      command: ['sleep', '120']
`,
    );
    const r = await osmo(alice, ['workflow', 'submit', file]);
    const id = idOf(r.stdout);
    await until(alice, id, 'RUNNING');
    const c = await osmo(alice, ['workflow', 'cancel', id]);
    assert.equal(c.code, 0, c.stdout + c.stderr);
    const q = await until(alice, id, 'FAILED_CANCELED');
    assert.match(taskOf(q, 'nap')?.failure_message ?? '', /canceled by user: alice/);
  });
});

describe('isolation between users', () => {
  test('bob can neither see nor cancel alice workflow', async () => {
    const file = await spec(
      'private',
      `workflow:
  name: private
  tasks:
    - name: nap
      image: ubuntu
      command: ['sleep', '30']
`,
    );
    const id = idOf((await osmo(alice, ['workflow', 'submit', file])).stdout);
    const seen = await osmo(bob, ['workflow', 'query', id]);
    assert.notEqual(seen.code, 0);
    assert.match(seen.stdout, /not found/);
    const cancel = await osmo(bob, ['workflow', 'cancel', id]);
    assert.match(cancel.stdout, /not found/);
    const list = await osmo(bob, ['workflow', 'list', '--format-type', 'json']);
    assert.doesNotMatch(list.stdout, new RegExp(id));
    assert.equal((await query(alice, id)).status === 'FAILED_CANCELED', false);
    await osmo(alice, ['workflow', 'cancel', id]);
  });
});
