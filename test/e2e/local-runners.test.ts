// `osmo standalone run` and `osmo docker-compose run` through bin/osmo on a real Podman engine, no service.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  podmanMissingReason,
  startTestEngine,
  listenOnce,
  TEST_IMAGE,
  type TestEngine,
} from '../../src/backends/docker/podman-fixture.js';
import {
  REGISTRY_PASSWORD,
  REGISTRY_USER,
  startTestRegistry,
  type TestRegistry,
} from '../../src/backends/docker/registry-fixture.js';
import { osmo, removeDir, tempDir, type OsmoResult } from './harness.js';

const podmanMissing = podmanMissingReason('the local runners need');

// A run that finished its work but whose process never exits fails here instead of hanging the suite.
const RUN_TIMEOUT_MS = 30_000;

let registry: TestRegistry;
let engine: TestEngine;
let dir: string;
let privateImage: string;
let stateDir: string;

const TWO_TASKS = `workflow:
  name: pipeline
  tasks:
    - name: first
      image: ${TEST_IMAGE}
      command: ['sh', '-c', 'echo "from first" > {{output}}/msg.txt; echo "first ran in {{workflow_id}}"']
    - name: second
      image: ${TEST_IMAGE}
      command: ['sh', '-c', 'echo "second read: $(cat {{input:0}}/msg.txt)"']
      inputs:
        - task: first
`;

// Two waves: a server/client group, then a group reading the client's output.
const HOST_SPEC = `workflow:
  name: waves
  groups:
    - name: pair
      tasks:
        - name: server
          image: ${TEST_IMAGE}
          lead: true
          command: ['sh', '-c', '${listenOnce(7070)} > {{output}}/got.txt; echo "server got: $(cat {{output}}/got.txt)"']
        - name: client
          image: ${TEST_IMAGE}
          command: ['sh', '-c', 'until echo hi-server | nc {{host:server}} 7070; do sleep 0.2; done']
    - name: after
      tasks:
        - name: report
          image: ${TEST_IMAGE}
          command: ['sh', '-c', 'echo "report saw: $(cat {{input:0}}/got.txt)"']
          inputs:
            - task: server
`;

async function specFile(name: string, text: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, text);
  return file;
}

const local = (runner: 'standalone' | 'docker-compose', args: readonly string[]): Promise<OsmoResult> =>
  osmo(dir, [runner, 'run', '--docker-host', engine.host, ...args], RUN_TIMEOUT_MS);

const ok = (r: OsmoResult): void => assert.equal(r.code, 0, r.stdout + r.stderr);

describe('local runners', { skip: podmanMissing }, () => {
  before(async () => {
    registry = await startTestRegistry();
    engine = await startTestEngine(registry.engineEnv);
    privateImage = await registry.push(engine.env, 'osmo/local-busybox:1');
    dir = await tempDir('local-runs');
    // The CLI state directory, where runs without --work-dir keep their work directories.
    stateDir = await tempDir('local-state');
    process.env['OSMO_LOG_FILE_DIR'] = stateDir;
  });

  after(async () => {
    await registry?.stop();
    await engine?.stop();
    if (dir) await removeDir(dir);
  });

  test('standalone run: the second task reads the first one, and the process exits', async () => {
    const r = await local('standalone', ['-f', await specFile('two', TWO_TASKS)]);
    ok(r);
    assert.match(r.stdout, /first ran in local-pipeline/);
    assert.match(r.stdout, /second read: from first/);
    assert.match(r.stderr, /Workflow "pipeline" completed successfully/);
  });

  test('--resume skips completed tasks; --from-step re-runs the step and what reads it', async () => {
    const file = await specFile('resume', TWO_TASKS);
    const work = join(dir, 'resume-work');
    ok(await local('standalone', ['-f', file, '--work-dir', work]));
    const resumed = await local('standalone', ['-f', file, '--work-dir', work, '--resume']);
    ok(resumed);
    assert.match(resumed.stderr, /Task "first" completed in a previous run: skipped/);
    assert.match(resumed.stderr, /Task "second" completed in a previous run: skipped/);
    assert.doesNotMatch(resumed.stdout, /first ran/);
    const fromSecond = await local('standalone', ['-f', file, '--work-dir', work, '--from-step', 'second']);
    ok(fromSecond);
    assert.match(fromSecond.stderr, /Task "first" completed in a previous run: skipped/);
    assert.match(fromSecond.stdout, /second read: from first/);
  });

  test('without --work-dir each workflow gets its own work directory, which --resume and --from-step find', async () => {
    // Its own name: the first test above already ran "pipeline" without --work-dir.
    const file = await specFile('resume-default', TWO_TASKS.replace('name: pipeline', 'name: resumable'));
    const before = await local('standalone', ['-f', file, '--resume']);
    assert.equal(before.code, 2, before.stdout + before.stderr);
    assert.match(
      before.stdout,
      /No previous run of workflow "resumable" to resume in .*standalone\/resumable/,
    );
    const first = await local('standalone', ['-f', file]);
    ok(first);
    assert.match(first.stderr, new RegExp(`Work directory: ${join(stateDir, 'standalone', 'resumable')}\n`));
    const resumed = await local('standalone', ['-f', file, '--resume']);
    ok(resumed);
    assert.match(resumed.stderr, /Task "second" completed in a previous run: skipped/);
    const fromSecond = await local('standalone', ['-f', file, '--from-step', 'second']);
    ok(fromSecond);
    assert.match(fromSecond.stderr, /Task "first" completed in a previous run: skipped/);
    assert.match(fromSecond.stdout, /second read: from first/);
    // A fresh run starts over in the same directory.
    const fresh = await local('standalone', ['-f', file]);
    ok(fresh);
    assert.match(fresh.stdout, /first ran in/);
  });

  test('docker-compose run: a sibling stopped because its lead finished is said so, not "exit code none"', async () => {
    const spec = `workflow:
  name: lead-ends
  groups:
    - name: pair
      tasks:
        - name: lead
          image: ${TEST_IMAGE}
          lead: true
          command: ['sh', '-c', 'sleep 1; echo lead done']
        - name: side
          image: ${TEST_IMAGE}
          command: ['sh', '-c', 'sleep 600']
`;
    const r = await local('docker-compose', ['-f', await specFile('lead-ends', spec)]);
    ok(r);
    assert.match(r.stderr, /Task "lead" completed successfully/);
    assert.match(r.stderr, /Task "side" stopped: its lead task "lead" finished/);
    assert.doesNotMatch(r.stderr, /exit code none/);
  });

  test('docker-compose run: {{host:server}} inside a group, then the next wave reads its output', async () => {
    const r = await local('docker-compose', ['-f', await specFile('waves', HOST_SPEC)]);
    ok(r);
    assert.match(r.stdout, /server got: hi-server/);
    assert.match(r.stdout, /report saw: hi-server/);
  });

  test('standalone run refuses {{host:...}} up front, pointing at docker-compose run', async () => {
    const r = await local('standalone', ['-f', await specFile('host-serial', HOST_SPEC)]);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /use `osmo docker-compose run`/);
    assert.doesNotMatch(r.stderr, /Running task/);
  });

  test('--set overrides default-values', async () => {
    const file = await specFile(
      'values',
      `workflow:\n  name: values\n  tasks:\n    - name: say\n      image: ${TEST_IMAGE}\n` +
        `      command: ['echo', 'greeting={{ greeting }}']\ndefault-values:\n  greeting: hello\n`,
    );
    const plain = await local('standalone', ['-f', file]);
    ok(plain);
    assert.match(plain.stdout, /greeting=hello/);
    const set = await local('standalone', ['-f', file, '--set', 'greeting=bonjour']);
    ok(set);
    assert.match(set.stdout, /greeting=bonjour/);
  });

  test('--credential NAME=PATH pulls from the private registry; without it the pull fails', async () => {
    const file = await specFile(
      'private',
      `workflow:\n  name: private\n  tasks:\n    - name: t\n      image: ${privateImage}\n` +
        `      command: ['echo', 'private image ran']\n`,
    );
    const denied = await local('standalone', ['-f', file]);
    assert.notEqual(denied.code, 0);
    assert.ok(denied.stderr.includes(`Failed to pull image ${privateImage}`), denied.stderr);
    const cred = join(dir, 'registry.cred');
    await writeFile(
      cred,
      `registry=${registry.host}\nusername=${REGISTRY_USER}\nauth=${REGISTRY_PASSWORD}\n`,
    );
    const r = await local('standalone', ['-f', file, '--credential', `myreg=${cred}`]);
    ok(r);
    assert.match(r.stdout, /private image ran/);
  });
});
