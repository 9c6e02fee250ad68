// The contract suite and the Slurm-only behaviour, on a real one-node Slurm cluster started here.
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendContract, collectAttempt, makeAttempt, textsOf } from '../contract.js';
import type { AttemptRef } from '../../core/index.js';
import { createSlurmBackend, type SlurmBackendOptions } from './index.js';
import { slurmUnavailable, startSlurmCluster, type SlurmCluster } from './slurm-fixture.js';
import { runtimeEnvironment } from '../../config/service-config.js';

const unavailable = slurmUnavailable();
const jobEntry = fileURLToPath(new URL('../../main/slurm-job.js', import.meta.url));
const workRoot = await mkdtemp(join(tmpdir(), 'osmo-slurm-backend-'));
let cluster: SlurmCluster | null = null;
if (unavailable === null) cluster = await startSlurmCluster({ cpus: 16 });
after(async () => {
  await cluster?.stop();
  await rm(workRoot, { recursive: true, force: true });
});

const make = (extra: Partial<SlurmBackendOptions> = {}) =>
  createSlurmBackend({
    workRoot,
    jobEntry,
    commandEnvironment: cluster?.env ?? {},
    runtimeEnvironment: runtimeEnvironment(),
    stopGraceMs: 2_000,
    pollIntervalMs: 100,
    queuePollMs: 250,
    ...extra,
  });

if (unavailable === null) {
  backendContract(
    'slurm',
    async () => make(),
    {
      filesAtTheirPath:
        'tasks run unsandboxed on the node: a file outside /osmo stays in the attempt directory',
    },
    // A job waits for slurmctld to place it and for its node to start the runtime: seconds under load.
    { attemptTimeoutMs: 90_000 },
  );
} else {
  void test('slurm backend contract', { skip: unavailable }, () => undefined);
}

/** sbatch is asked after launch() returns: the job id is on disk once it answered. */
async function jobOnceSubmitted(backend: ReturnType<typeof make>, ref: AttemptRef): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const job = await backend.jobOf(ref);
    if (job !== null) return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no Slurm job for ${ref.taskName} after 30 s`);
}

void describe('slurm backend', { skip: unavailable ?? false }, () => {
  const storage = join(workRoot, 'storage');
  let backend: ReturnType<typeof make>;
  before(() => {
    backend = make();
  });
  after(() => backend.close());

  void test('nodes() is the cluster node from scontrol', async () => {
    const nodes = await backend.nodes();
    assert.equal(nodes.length, 1);
    assert.equal(nodes[0]?.name, cluster?.nodeName);
    assert.equal(nodes[0]?.cpu, 16);
    assert.equal(nodes[0]?.memoryBytes, 64_000 * 1024 * 1024);
  });

  void test('a group of two is one Slurm job; {{host:task}} is the node address', async () => {
    const server = makeAttempt(storage, { taskName: 'server' });
    const shared = {
      workflowId: server.workflowId,
      groupUuid: server.groupUuid,
      launchedTogether: ['server', 'client'],
    };
    const serverLaunch = {
      ...server,
      ...shared,
      command: ['sh', '-c', `echo "server at ${backend.taskHost(server, 'server')}"`],
    };
    const client = makeAttempt(storage, { ...shared, taskName: 'client' });
    const clientLaunch = {
      ...client,
      ...shared,
      command: ['sh', '-c', `echo "peer ${backend.taskHost(client, 'server')}"`],
    };
    const a = collectAttempt(backend, serverLaunch, 60_000);
    const b = collectAttempt(backend, clientLaunch, 60_000);
    await backend.launch(serverLaunch);
    assert.equal(await backend.jobOf(serverLaunch), null, 'the first task waits for its group');
    await backend.launch(clientLaunch);
    const [ra, rb] = [await a.outcome, await b.outcome];
    assert.equal(ra.final.status, 'COMPLETED', JSON.stringify(ra.logs));
    assert.equal(rb.final.status, 'COMPLETED', JSON.stringify(rb.logs));
    assert.deepEqual(textsOf(ra.logs, 'STDOUT'), ['server at 127.0.0.1']);
    assert.deepEqual(textsOf(rb.logs, 'STDOUT'), ['peer 127.0.0.1']);
    const job = await backend.jobOf(serverLaunch);
    assert.ok(job !== null);
    assert.equal(await backend.jobOf(clientLaunch), job, 'both tasks ran in one job');
  });

  void test('a job cancelled outside osmo ends its attempt failed, saying it was terminated', async () => {
    const launch = makeAttempt(storage, { command: ['sh', '-c', 'echo started; sleep 600'] });
    const { outcome, running } = collectAttempt(backend, launch, 60_000);
    await backend.launch(launch);
    await running;
    const job = await jobOnceSubmitted(backend, launch);
    const { execFile } = await import('node:child_process');
    await new Promise<void>((resolve, reject) =>
      execFile('scancel', [job], { env: cluster?.env }, (err) => (err ? reject(err) : resolve())),
    );
    const { final } = await outcome;
    // The runtime, told by Slurm's SIGTERM, records it; where it could not, the backend reads Slurm's CANCELLED.
    assert.ok(['FAILED_BACKEND_ERROR', 'FAILED_CANCELED'].includes(final.status), final.status);
    assert.match(final.message ?? '', /terminated by a signal|cancelled outside osmo/);
  });

  void test('a restarted service re-attaches to a job that outlived the discarded backend', async () => {
    const first = make();
    const launch = makeAttempt(storage, { command: ['sh', '-c', 'echo started; sleep 1; echo finished'] });
    const { running, dispose } = collectAttempt(first, launch, 60_000);
    await first.launch(launch);
    await running;
    dispose();
    await first.close();
    const second = make();
    const { outcome } = collectAttempt(second, launch, 60_000);
    assert.deepEqual(await second.recover([launch]), []);
    const { final, logs } = await outcome;
    await second.close();
    assert.equal(final.status, 'COMPLETED');
    assert.deepEqual(textsOf(logs, 'STDOUT'), ['started', 'finished']);
    assert.equal(logs[0]?.seq, 0);
  });

  void test('stopping a task whose job is still queued records the status and cancels the job', async () => {
    const held = make({ policy: { extraArgs: ['--hold'] } });
    const launch = makeAttempt(storage, { command: ['sh', '-c', 'echo should-not-run'] });
    const { outcome } = collectAttempt(held, launch, 60_000);
    await held.launch(launch);
    const job = await jobOnceSubmitted(held, launch);
    await held.stop(launch, 'FAILED_CANCELED', 'Task was canceled by user: test.');
    const { final, logs } = await outcome;
    assert.equal(final.status, 'FAILED_CANCELED');
    assert.equal(final.message, 'Task was canceled by user: test.');
    assert.deepEqual(textsOf(logs, 'STDOUT'), []);
    const { execFile } = await import('node:child_process');
    const state = await new Promise<string>((resolve, reject) =>
      execFile(
        'squeue',
        ['--noheader', '--states=all', '--format=%T', `--jobs=${job}`],
        { env: cluster?.env },
        (err, out) => (err ? reject(err) : resolve(out.trim())),
      ),
    );
    await held.close();
    assert.equal(state, 'CANCELLED');
  });

  void test('while slurmctld is down a task waits, and runs once it is back', async () => {
    assert.ok(cluster !== null);
    const launch = makeAttempt(storage, { command: ['sh', '-c', 'echo ran'] });
    const seen: string[] = [];
    const stopObserving = backend.observe((r) => {
      if (r.ref.taskUuid === launch.taskUuid && r.kind === 'status') seen.push(r.status);
    });
    const { outcome } = collectAttempt(backend, launch, 90_000);
    await cluster.stopController();
    try {
      await backend.launch(launch);
      // sbatch is refused for want of a controller; a failure would be reported within a poll or two.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      assert.deepEqual(seen, []);
      assert.equal(await backend.jobOf(launch), null);
    } finally {
      await cluster.startController();
    }
    const { final, logs } = await outcome;
    stopObserving();
    assert.equal(final.status, 'COMPLETED', JSON.stringify(logs));
    assert.deepEqual(textsOf(logs, 'STDOUT'), ['ran']);
  });

  void test('a job Slurm refuses ends its attempts FAILED_BACKEND_ERROR with sbatch’s words', async () => {
    const refused = make({ policy: { partition: 'no-such-partition' } });
    const launch = makeAttempt(storage);
    const { outcome } = collectAttempt(refused, launch, 30_000);
    await refused.launch(launch);
    const { final } = await outcome;
    await refused.close();
    assert.equal(final.status, 'FAILED_BACKEND_ERROR');
    assert.match(final.message ?? '', /Slurm refused the job: sbatch: .*partition/i);
  });
});
