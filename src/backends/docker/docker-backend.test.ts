// The container backend against a real Podman: the shared contract, then what only containers do.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backendContract, collectAttempt, makeAttempt, textsOf } from '../contract.js';
import { attemptLabels, containerName } from './container-spec.js';
import { createDockerBackend, type DockerBackend } from './docker-backend.js';
import { closeEngine, openEngine } from './engine-client.js';
import { startTestEngine, TEST_IMAGE, type TestEngine } from './podman-fixture.js';

let engine: TestEngine;
const work = await mkdtemp(join(tmpdir(), 'osmo-docker-test-'));
before(async () => {
  engine = await startTestEngine();
});
after(async () => {
  await engine.stop();
  await rm(work, { recursive: true, force: true });
});

const make = (): DockerBackend =>
  createDockerBackend({ host: engine.host, workRoot: work, stopGraceMs: 1000, isolateNetworks: true });

backendContract('docker (podman)', () => Promise.resolve(make()));

void describe('docker backend', () => {
  let backend: DockerBackend;
  before(() => {
    backend = make();
  });
  after(() => backend.close());
  const storage = join(work, 'storage');

  void test('an engine that is not there fails with a message naming the socket', async () => {
    const missing = createDockerBackend({ host: 'unix:///nonexistent/osmo.sock', workRoot: work });
    await assert.rejects(missing.nodes(), /unix:\/\/\/nonexistent\/osmo\.sock/);
  });

  void test("one node per engine, from /info, with the work root's filesystem as its storage", async () => {
    const [node, ...rest] = await backend.nodes();
    assert.equal(rest.length, 0);
    assert.ok(node !== undefined && node.cpu >= 1 && node.memoryBytes > 0);
    const disk = await statfs(work);
    assert.equal(node.storageBytes, disk.blocks * disk.bsize);
  });

  // Podman on cgroup v1 (this machine) never sets State.OOMKilled: the backend reads the kill from
  // the container's memory cgroup. dd allocates its 100M block at once, so the OOM comes instantly.
  void test('a task over its memory limit ends FAILED_EVICTED with 3004', async () => {
    const launch = makeAttempt(storage, {
      image: TEST_IMAGE,
      command: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=100M', 'count=1'],
      resources: { cpu: 1, memoryBytes: 32 * 1024 * 1024, gpu: 0 },
    });
    const { outcome } = collectAttempt(backend, launch, 60_000);
    await backend.launch(launch);
    const { final } = await outcome;
    assert.equal(final.status, 'FAILED_EVICTED', final.message ?? '');
    assert.equal(final.exitCode, 3004);
    assert.equal(final.message, 'OOMKilled: the task exceeded its memory limit of 32Mi.');
  });

  void test('a task killed by a signal within its memory limit is not read as evicted', async () => {
    const launch = makeAttempt(storage, {
      image: TEST_IMAGE,
      // `$$$$` reaches the shell as `$$`: a command's `$$` is the escape of `$(NAME)` expansion.
      command: ['sh', '-c', 'kill -9 $$$$'],
      resources: { cpu: 1, memoryBytes: 32 * 1024 * 1024, gpu: 0 },
    });
    const { outcome } = collectAttempt(backend, launch, 60_000);
    await backend.launch(launch);
    const { final } = await outcome;
    assert.equal(final.status, 'FAILED', final.message ?? '');
    assert.equal(final.exitCode, 255);
  });

  void test('an image that cannot be pulled ends FAILED_IMAGE_PULL promptly, naming the image', async () => {
    const image = 'localhost:1/osmo/does-not-exist:1';
    const launch = makeAttempt(storage, { image });
    const { outcome } = collectAttempt(backend, launch, 30_000);
    await backend.launch(launch);
    const { final } = await outcome;
    assert.equal(final.status, 'FAILED_IMAGE_PULL');
    assert.ok(final.message?.includes(image), final.message ?? '');
  });

  /** Runs `script` in a container until it prints `started`, closes the backend, and follows it from a new one. */
  async function reattached(script: string, timeoutMs = 60_000) {
    const first = make();
    const launch = makeAttempt(storage, { image: TEST_IMAGE, command: ['sh', '-c', script] });
    const early = collectAttempt(first, launch, timeoutMs);
    await first.launch(launch);
    await early.running;
    await first.close();
    // The closed backend reports nothing more, so its collector would only time out.
    early.dispose();
    const second = make();
    try {
      const late = collectAttempt(second, launch, timeoutMs);
      await second.recover([launch]);
      return await late.outcome;
    } finally {
      await second.close();
    }
  }

  void test('close() leaves a running container alone and a new backend re-attaches to it', async () => {
    const { final, logs } = await reattached('echo started; sleep 2; echo finished');
    // Both lines, from the engine's log: the container outlived close() and was followed again.
    assert.equal(final.status, 'COMPLETED', final.message ?? '');
    assert.deepEqual(textsOf(logs, 'STDOUT'), ['started', 'finished']);
  });

  void test('a re-attached container writing fast gives every line once, in order', async () => {
    const count = 20_000;
    // A burst while it is followed again, and a last line after a pause.
    const { final, logs } = await reattached(
      `echo started; sleep 2; i=0; while [ $i -lt ${count} ]; do echo line-$i; i=$((i+1)); done; sleep 1; echo last`,
      120_000,
    );
    assert.equal(final.status, 'COMPLETED', final.message ?? '');
    const got = textsOf(logs, 'STDOUT');
    assert.deepEqual(got, ['started', ...Array.from({ length: count }, (_, i) => `line-${i}`), 'last']);
  });

  void test('a container created but never started at a crash is removed and its attempt handed back', async () => {
    const launch = makeAttempt(storage, { image: TEST_IMAGE, command: ['sh', '-c', 'echo fresh-start'] });
    // What a service killed between creating the container and starting it leaves behind.
    const client = openEngine(engine.host);
    const created = await client.createContainer({
      name: containerName(launch),
      Image: TEST_IMAGE,
      Cmd: ['sh', '-c', 'echo never'],
      Labels: attemptLabels(launch, 'docker'),
    });
    closeEngine(client);
    const dir = backend.attemptDir(launch);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'launch.json'), JSON.stringify(launch));
    await writeFile(join(dir, 'container-id'), created.id);
    const unstarted = await backend.recover([launch]);
    assert.deepEqual(
      unstarted.map((r) => r.taskName),
      [launch.taskName],
    );
    const { outcome } = collectAttempt(backend, launch, 60_000);
    await backend.launch(launch);
    const { final, logs } = await outcome;
    assert.equal(final.status, 'COMPLETED', final.message ?? '');
    assert.deepEqual(textsOf(logs, 'STDOUT'), ['fresh-start']);
  });

  void test('a container that was created and is gone ends its attempt FAILED_BACKEND_ERROR', async () => {
    const launch = makeAttempt(storage, { image: TEST_IMAGE });
    const dir = backend.attemptDir(launch);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'launch.json'), JSON.stringify(launch));
    await writeFile(join(dir, 'container-id'), 'removed-behind-our-back');
    const { outcome } = collectAttempt(backend, launch);
    assert.deepEqual(await backend.recover([launch]), []);
    const { final } = await outcome;
    assert.equal(final.status, 'FAILED_BACKEND_ERROR');
    assert.equal(final.exitCode, 3001);
  });

  void test('{{host:task}} reaches the sibling container of the same group', async () => {
    const server = makeAttempt(storage, { image: TEST_IMAGE, taskName: 'server' });
    const host = backend.taskHost(server, 'server');
    const serverLaunch = { ...server, command: ['sh', '-c', 'echo started; echo pong | nc -l -p 8080'] };
    const client = makeAttempt(storage, {
      image: TEST_IMAGE,
      taskName: 'client',
      workflowId: server.workflowId,
      groupUuid: server.groupUuid,
      command: [
        'sh',
        '-c',
        `for i in 1 2 3 4 5 6 7 8 9 10; do nc ${host} 8080 && exit 0; sleep 1; done; exit 1`,
      ],
    });
    const s = collectAttempt(backend, serverLaunch, 60_000);
    await backend.launch(serverLaunch);
    await s.running;
    const c = collectAttempt(backend, client, 60_000);
    await backend.launch(client);
    const done = await c.outcome;
    assert.equal(done.final.status, 'COMPLETED', JSON.stringify(done.logs));
    assert.deepEqual(textsOf(done.logs, 'STDOUT'), ['pong']);
    assert.equal((await s.outcome).final.status, 'COMPLETED');
  });
});
