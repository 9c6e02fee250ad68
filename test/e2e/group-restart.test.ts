// End to end: `osmo workflow restart --group / --failed-only` through the real service and executable.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ServiceProcess } from './harness.js';
import { eventually, loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

let service: ServiceProcess;
let alice: string;
let bob: string;
let root: string;
let specs: string;

const idOf = (stdout: string): string => {
  const m = /Workflow ID\s+-\s+(\S+)/.exec(stdout);
  assert.ok(m?.[1], `no workflow id in: ${stdout}`);
  return m[1];
};

interface QueryJson {
  status: string;
  parent_name: string | null;
  groups: { name: string; status: string }[];
}

async function query(configDir: string, id: string): Promise<QueryJson> {
  const r = await osmo(configDir, ['workflow', 'query', id, '--format-type', 'json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return JSON.parse(r.stdout) as QueryJson;
}

/** Group names (the query lists them by name), with their statuses. */
const groupsOf = (q: QueryJson): string[] => q.groups.map((g) => `${g.name} ${g.status}`).sort();

const until = (configDir: string, id: string, status: string | RegExp): Promise<QueryJson> =>
  eventually(async () => {
    const q = await query(configDir, id);
    return (typeof status === 'string' ? q.status === status : status.test(q.status)) ? q : null;
  }, 60_000);

/**
 * prepare → middle → finish. `prepare` stamps its output with the run that made it, so a later run that
 * prints `made by <first run>` read the old output instead of running prepare again. `middle` fails in
 * the first run of the workflow (id `<name>-1`) and passes in every restart.
 */
async function chain(name: string): Promise<string> {
  const file = join(specs, `${name}.yaml`);
  await writeFile(
    file,
    `workflow:
  name: ${name}
  groups:
    - name: prepare
      tasks:
        - name: make
          image: ubuntu
          command: ['sh', '-c', 'echo made by {{workflow_id}} > {{output}}/made.txt']
    - name: middle
      tasks:
        - name: check
          image: ubuntu
          command: ['sh', '-c', 'case {{workflow_id}} in *-1) echo middle fails; exit 3;; esac; cp {{input:0}}/made.txt {{output}}/']
          inputs:
            - task: make
    - name: finish
      tasks:
        - name: report
          image: ubuntu
          command: ['sh', '-c', 'echo finish sees $(cat {{input:0}}/made.txt) in {{workflow_id}}']
          inputs:
            - task: check
`,
  );
  const r = await osmo(alice, ['workflow', 'submit', file]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const id = idOf(r.stdout);
  const q = await until(alice, id, 'FAILED');
  assert.deepEqual(groupsOf(q), ['finish FAILED_UPSTREAM', 'middle FAILED', 'prepare COMPLETED']);
  return id;
}

async function restart(configDir: string, args: readonly string[]): Promise<string> {
  const r = await osmo(configDir, ['workflow', 'restart', ...args]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^Workflow ${args[0] ?? ''} restarted\\.`));
  return idOf(r.stdout);
}

async function finishLine(id: string): Promise<string> {
  // A search answers over the log as it stands: the line is there once the workflow completed.
  const logs = await osmo(alice, ['workflow', 'logs', id, '--task', 'report', '--search', 'finish sees']);
  assert.equal(logs.code, 0, logs.stdout + logs.stderr);
  const m = /finish sees made by (\S+) in (\S+)/.exec(logs.stdout);
  assert.ok(m, logs.stdout);
  return `${m[1]} in ${m[2]}`;
}

async function refused(configDir: string, args: readonly string[], message: RegExp): Promise<void> {
  const r = await osmo(configDir, ['workflow', 'restart', ...args]);
  assert.notEqual(r.code, 0, r.stdout);
  assert.match(r.stdout + r.stderr, message);
}

before(async () => {
  service = await startServiceProcess({ args: ['--admin', 'root'] });
  alice = await loginAs(service.url, 'alice');
  bob = await loginAs(service.url, 'bob');
  root = await loginAs(service.url, 'root');
  specs = await tempDir('group-restart-specs');
});

after(async () => {
  await service.stop();
  for (const dir of [service.dataDir, alice, bob, root, specs]) await removeDir(dir);
});

test('restart --group middle runs middle and finish again and reuses prepare’s output from the first run', async () => {
  const id = await chain('retry-middle');
  const again = await restart(alice, [id, '--group', 'middle']);
  const q = await until(alice, again, 'COMPLETED');
  // prepare is not part of the new run at all: it did not run a second time.
  assert.deepEqual(groupsOf(q), ['finish COMPLETED', 'middle COMPLETED']);
  assert.equal(q.parent_name, 'retry-middle');
  assert.equal(await finishLine(again), `${id} in ${again}`);
  // The first run is left as it was.
  assert.equal((await query(alice, id)).status, 'FAILED');
});

test('--failed-only runs again every group that did not complete; --group prepare runs them all', async () => {
  const id = await chain('retry-failed');
  const failedOnly = await restart(alice, [id, '--failed-only']);
  const q = await until(alice, failedOnly, 'COMPLETED');
  assert.deepEqual(groupsOf(q), ['finish COMPLETED', 'middle COMPLETED']);
  assert.equal(await finishLine(failedOnly), `${id} in ${failedOnly}`);

  // Naming a completed group runs it again with everything downstream: prepare's output is the new run's.
  const everything = await restart(alice, [id, '-g', 'prepare']);
  const all = await until(alice, everything, 'COMPLETED');
  assert.deepEqual(groupsOf(all), ['finish COMPLETED', 'middle COMPLETED', 'prepare COMPLETED']);
  assert.equal(await finishLine(everything), `${everything} in ${everything}`);
});

test('an administrator may restart a group of another user’s workflow; other users may not', async () => {
  const id = await chain('retry-admin');
  await refused(bob, [id, '--group', 'middle'], new RegExp(`Workflow ${id} is not found\\.`));
  const again = await restart(root, [id, '--group', 'middle']);
  const q = await until(root, again, 'COMPLETED');
  assert.deepEqual(groupsOf(q), ['finish COMPLETED', 'middle COMPLETED']);
});

test('restarts that cannot work are refused with what to do instead', async () => {
  const id = await chain('retry-refused');
  await refused(
    alice,
    [id, '--group', 'finish'],
    /Group "finish" reads the outputs of "middle", which did not complete in workflow retry-refused-1; name that group with --group too, or restart with --failed-only\./,
  );
  await refused(
    alice,
    [id, '--group', 'nosuch'],
    /Workflow retry-refused-1 has no group "nosuch"; its groups are "prepare", "middle", "finish"\./,
  );

  const done = await restart(alice, [id]);
  await until(alice, done, 'COMPLETED');
  await refused(
    alice,
    [done, '--group', 'middle'],
    new RegExp(`Restart can only be used on FAILED workflows: Workflow ${done} has status COMPLETED$`, 'm'),
  );

  const file = join(specs, 'long.yaml');
  await writeFile(
    file,
    `workflow:
  name: still-running
  tasks:
    - name: sleeper
      image: ubuntu
      command: ['sleep', '120']
`,
  );
  const r = await osmo(alice, ['workflow', 'submit', file]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const running = idOf(r.stdout);
  await refused(
    alice,
    [running, '--group', 'sleeper-group'],
    /Restart can only be used on FAILED workflows: Workflow still-running-1 has status (PENDING|WAITING|RUNNING); wait for it to finish, or cancel it first/,
  );
  const cancel = await osmo(alice, ['workflow', 'cancel', running]);
  assert.equal(cancel.code, 0, cancel.stdout + cancel.stderr);
  await until(alice, running, /^FAILED_CANCELED$/);
});
