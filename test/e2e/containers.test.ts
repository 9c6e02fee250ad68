// End to end on real containers: the service on Podman's Docker-compatible API (--backend docker).
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LABELS, openEngine } from '../../src/backends/docker/index.js';
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
import type { ServiceProcess } from './harness.js';
import { REPO_ROOT, eventually, loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

const podmanMissing = podmanMissingReason('the container backend needs');

interface QueryJson {
  status: string;
  groups: {
    tasks: { name: string; status: string; exit_code: number | null; failure_message: string | null }[];
  }[];
}

let registry: TestRegistry;
let engine: TestEngine;
let service: ServiceProcess;
let alice: string;
let specs: string;
let privateImage: string;

async function submit(name: string, yaml: string): Promise<string> {
  const file = join(specs, `${name}.yaml`);
  await writeFile(file, yaml);
  const r = await osmo(alice, ['workflow', 'submit', file]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const id = /Workflow ID\s+-\s+(\S+)/.exec(r.stdout)?.[1];
  assert.ok(id, r.stdout);
  return id;
}

async function query(id: string): Promise<QueryJson> {
  const r = await osmo(alice, ['workflow', 'query', id, '--format-type', 'json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return JSON.parse(r.stdout) as QueryJson;
}

const ended = (id: string, timeoutMs = 60_000): Promise<QueryJson> =>
  eventually(async () => {
    const q = await query(id);
    return /^(COMPLETED|FAILED)/.test(q.status) ? q : null;
  }, timeoutMs);

async function logs(id: string): Promise<string> {
  const r = await osmo(alice, ['workflow', 'logs', id]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return r.stdout;
}

describe('service on the container backend', { skip: podmanMissing }, () => {
  before(async () => {
    registry = await startTestRegistry();
    engine = await startTestEngine(registry.engineEnv);
    privateImage = await registry.push(engine.env, 'osmo/e2e-busybox:1');
    service = await startServiceProcess({ args: ['--backend', 'docker', '--docker-host', engine.host] });
    alice = await loginAs(service.url, 'alice');
    specs = await tempDir('container-specs');
  });

  after(async () => {
    await service?.stop();
    await registry?.stop();
    await engine?.stop();
    for (const dir of [service?.dataDir, alice, specs]) if (dir) await removeDir(dir);
  });

  test('the quickstart example runs in containers: consume reads what produce wrote', async () => {
    const r = await osmo(alice, ['workflow', 'submit', join(REPO_ROOT, 'examples', 'quickstart.yaml')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const id = /Workflow ID\s+-\s+(\S+)/.exec(r.stdout)?.[1] ?? '';
    const q = await ended(id);
    assert.equal(q.status, 'COMPLETED', JSON.stringify(q));
    assert.match(await logs(id), /consume read: hello from produce/);
  });

  test('a group task reaches its sibling by {{host:server}}', async () => {
    const id = await submit(
      'host',
      `workflow:
  name: host-token
  groups:
    - name: pair
      tasks:
        - name: server
          image: ${TEST_IMAGE}
          lead: true
          command: ['sh', '-c', 'echo "received: $(${listenOnce(7070)})"']
        - name: client
          image: ${TEST_IMAGE}
          command: ['sh', '-c', 'until echo ping-from-client | nc {{host:server}} 7070; do sleep 0.2; done']
`,
    );
    const q = await ended(id);
    assert.equal(q.status, 'COMPLETED', JSON.stringify(q));
    assert.match(await logs(id), /received: ping-from-client/);
  });

  test('cancel stops the running container', async () => {
    const id = await submit(
      'sleep',
      `workflow:\n  name: sleeper\n  tasks:\n    - name: nap\n      image: ${TEST_IMAGE}\n      command: ['sleep', '600']\n`,
    );
    const docker = openEngine(engine.host);
    const label = [`${LABELS.workflowId}=${id}`];
    await eventually(async () => {
      const running = await docker.listContainers({ filters: { label } });
      return running.length > 0 ? running : null;
    });
    const r = await osmo(alice, ['workflow', 'cancel', id]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const q = await ended(id);
    assert.match(q.status, /^FAILED_CANCELED/, JSON.stringify(q));
    // The workflow reads FAILED_CANCELED as soon as the cancel is recorded; the container goes just after.
    await eventually(async () =>
      (await docker.listContainers({ all: true, filters: { label } })).length === 0 ? true : null,
    );
  });

  test('a task over its memory limit is evicted: FAILED_EVICTED with exit code 3004', async () => {
    const id = await submit(
      'oom',
      `workflow:
  name: oom
  resources:
    small:
      cpu: 1
      memory: 32Mi
  tasks:
    - name: hog
      image: ${TEST_IMAGE}
      resource: small
      command: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=100M', 'count=1']
`,
    );
    const q = await ended(id);
    assert.equal(q.status, 'FAILED_EVICTED', JSON.stringify(q));
    const task = q.groups[0]?.tasks[0];
    assert.equal(task?.status, 'FAILED_EVICTED', JSON.stringify(task));
    assert.equal(task?.exit_code, 3004);
    assert.match(task?.failure_message ?? '', /OOMKilled: the task exceeded its memory limit of 32Mi/);
  });

  test('a missing image fails promptly with FAILED_IMAGE_PULL naming the image', async () => {
    const image = 'localhost/osmo-no-such-image:1';
    const id = await submit(
      'missing',
      `workflow:\n  name: missing-image\n  tasks:\n    - name: t\n      image: ${image}\n      command: ['true']\n`,
    );
    const q = await ended(id, 30_000);
    const task = q.groups[0]?.tasks[0];
    assert.equal(task?.status, 'FAILED_IMAGE_PULL', JSON.stringify(q));
    assert.ok(task?.failure_message?.includes(image), JSON.stringify(task));
    // As upstream: the group (and so the workflow) aggregates a task's FAILED_IMAGE_PULL to FAILED;
    // only the task keeps the precise reason.
    assert.equal(q.status, 'FAILED', JSON.stringify(q));
  });

  test('a REGISTRY credential set with osmo credential set pulls from the private registry', async () => {
    const spec = (name: string, credentials: string): string =>
      `workflow:\n  name: ${name}\n  tasks:\n    - name: t\n      image: ${privateImage}\n` +
      `      command: ['sh', '-c', 'echo pulled-and-ran']\n${credentials}`;
    const denied = await ended(await submit('nocred', spec('no-cred', '')));
    assert.equal(denied.groups[0]?.tasks[0]?.status, 'FAILED_IMAGE_PULL', JSON.stringify(denied));
    const set = await osmo(alice, [
      'credential',
      'set',
      'myreg',
      '--type',
      'REGISTRY',
      '--payload',
      `registry=${registry.host}`,
      `username=${REGISTRY_USER}`,
      `auth=${REGISTRY_PASSWORD}`,
    ]);
    assert.equal(set.code, 0, set.stdout + set.stderr);
    const id = await submit(
      'cred',
      spec('with-cred', '      credentials:\n        myreg:\n          REG_USER: username\n'),
    );
    const q = await ended(id);
    assert.equal(q.status, 'COMPLETED', JSON.stringify(q));
    assert.match(await logs(id), /pulled-and-ran/);
  });
});
