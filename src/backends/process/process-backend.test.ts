import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendContract, collectAttempt, makeAttempt, processesWith, textsOf } from '../contract.js';
import { createProcessBackend, parseNvidiaSmi, type ProcessBackendOptions } from './index.js';
import { readRuntimePid } from './runtime-liveness.js';

const launcherEntry = fileURLToPath(new URL('../../main/launcher.js', import.meta.url));
const workRoot = await mkdtemp(join(tmpdir(), 'osmo-process-backend-'));
after(() => rm(workRoot, { recursive: true, force: true }));

const make = (extra: Partial<ProcessBackendOptions> = {}) =>
  createProcessBackend({ workRoot, launcherEntry, stopGraceMs: 2_000, pollIntervalMs: 100, ...extra });

backendContract('process (sandboxed)', async () => make());
backendContract('process (no sandbox)', async () => make({ sandbox: 'off' }), {
  filesAtTheirPath:
    'without a sandbox the host path is never written: the file stays in the attempt directory',
});

void describe('process backend', () => {
  const storage = join(workRoot, 'storage');

  void test('recovery re-attaches to an attempt that outlived the discarded backend', async () => {
    const first = make();
    const launch = makeAttempt(storage, { command: ['sh', '-c', 'echo started; sleep 1; echo finished'] });
    const { running, dispose } = collectAttempt(first, launch);
    await first.launch(launch);
    await running;
    dispose();
    await first.close(); // the service died: nothing of the first backend remains in use
    const second = make();
    const { outcome } = collectAttempt(second, launch);
    await second.recover([launch]);
    const { final, logs } = await outcome;
    await second.close();
    assert.equal(final.status, 'COMPLETED');
    assert.deepEqual(textsOf(logs, 'STDOUT'), ['started', 'finished']);
    assert.equal(logs[0]?.seq, 0);
  });

  void test('recovery reports FAILED_BACKEND_ERROR 3001 when the runtime was killed too', async () => {
    const marker = `600.${process.pid}`;
    const first = make({ sandbox: 'off' });
    const launch = makeAttempt(storage, { command: ['sh', '-c', `echo started; sleep ${marker}`] });
    const { running, dispose } = collectAttempt(first, launch);
    await first.launch(launch);
    await running;
    dispose();
    await first.close();
    const pid = await readRuntimePid(first.attemptDir(launch));
    assert.ok(pid !== null);
    process.kill(pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const orphan of await processesWith(marker)) process.kill(orphan, 'SIGKILL');
    const second = make({ sandbox: 'off' });
    const { outcome } = collectAttempt(second, launch);
    await second.recover([launch]);
    const { final, logs } = await outcome;
    await second.close();
    assert.equal(final.status, 'FAILED_BACKEND_ERROR');
    assert.equal(final.exitCode, 3001);
    assert.match(final.message ?? '', /runtime/);
    assert.deepEqual(textsOf(logs, 'STDOUT'), ['started']);
  });

  void test('GPU indices become CUDA_VISIBLE_DEVICES / NVIDIA_VISIBLE_DEVICES, empty without GPUs', async () => {
    const backend = make();
    const print = ['sh', '-c', 'echo "cuda=$CUDA_VISIBLE_DEVICES nvidia=$NVIDIA_VISIBLE_DEVICES"'];
    const withGpus = makeAttempt(storage, { command: print, gpuIndices: [0, 2] });
    const without = makeAttempt(storage, { command: print });
    const a = collectAttempt(backend, withGpus);
    const b = collectAttempt(backend, without);
    await backend.launch(withGpus);
    await backend.launch(without);
    assert.deepEqual(textsOf((await a.outcome).logs, 'STDOUT'), ['cuda=0,2 nvidia=0,2']);
    assert.deepEqual(textsOf((await b.outcome).logs, 'STDOUT'), ['cuda= nvidia=']);
    await backend.close();
  });

  void test('the image is recorded and an [osmo] line says the task runs on the host', async () => {
    const backend = make();
    const launch = makeAttempt(storage, { image: 'nvcr.io/x/y:1' });
    const { outcome } = collectAttempt(backend, launch);
    await backend.launch(launch);
    const { logs } = await outcome;
    await backend.close();
    assert.ok(textsOf(logs, 'OSMO_CTRL').some((t) => t.includes('not in the image nvcr.io/x/y:1')));
    await assert.rejects(backend.launch(launch), /already launched/);
  });

  void test('sandboxed attempts see /osmo paths; unsandboxed ones see host paths', async () => {
    const sandboxed = make();
    const plain = make({ sandbox: 'off' });
    const launch = makeAttempt(storage);
    const expected = (await sandboxed.isSandboxAvailable())
      ? '/osmo/data/output'
      : join(sandboxed.attemptDir(launch), 'root/osmo/data/output');
    assert.equal((await sandboxed.taskPaths(launch)).output, expected);
    assert.equal(
      (await plain.taskPaths(launch)).input(1),
      join(plain.attemptDir(launch), 'root/osmo/data/input/1'),
    );
    assert.throws(() => plain.attemptDir({ ...launch, taskName: '../x' }), /Unsafe name/);
  });

  void test('a failed download ends FAILED 2010 before the command; a failed upload ends FAILED 2012', async () => {
    const backend = make();
    const download = makeAttempt(storage, {
      command: ['sh', '-c', 'echo should-not-run'],
      inputs: [{ kind: 'url', url: 's3://bucket/data', regex: null }],
    });
    const uploadBase = makeAttempt(storage, { outputs: [{ url: 's3://bucket/results', regex: null }] });
    const upload = {
      ...uploadBase,
      command: ['sh', '-c', 'echo out > "$0/o.txt"', (await backend.taskPaths(uploadBase)).output],
    };
    const d = collectAttempt(backend, download);
    const u = collectAttempt(backend, upload);
    await backend.launch(download);
    await backend.launch(upload);
    const failedDownload = await d.outcome;
    assert.equal(failedDownload.final.status, 'FAILED');
    assert.equal(failedDownload.final.exitCode, 2010);
    assert.deepEqual(textsOf(failedDownload.logs, 'STDOUT'), []);
    const failedUpload = await u.outcome;
    assert.equal(failedUpload.final.exitCode, 2012, JSON.stringify(failedUpload.logs));
    assert.ok(textsOf(failedUpload.logs, 'UPLOAD').some((t) => t.includes('s3')));
    await backend.close();
  });

  void test('a launch recorded on disk whose runtime never started is handed back and launched again', async () => {
    const backend = make();
    const launch = makeAttempt(storage, { command: ['sh', '-c', 'echo second-chance'] });
    const dir = backend.attemptDir(launch);
    // What a service killed between recording the launch and spawning the runtime leaves behind.
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'launched.json'), JSON.stringify({ workflowId: launch.workflowId }));
    await writeFile(join(dir, 'runtime.log'), '');
    const unstarted = await backend.recover([launch]);
    assert.deepEqual(
      unstarted.map((r) => r.taskName),
      [launch.taskName],
    );
    const { outcome } = collectAttempt(backend, launch);
    await backend.launch(launch);
    const { final, logs } = await outcome;
    await backend.close();
    assert.equal(final.status, 'COMPLETED', JSON.stringify(logs));
    assert.deepEqual(textsOf(logs, 'STDOUT'), ['second-chance']);
  });

  void test('a runtime that runs but has not written its pid yet is followed, not launched again', async () => {
    const backend = make();
    const launch = makeAttempt(storage);
    const dir = backend.attemptDir(launch);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'launched.json'), '{}');
    // A stand-in runtime: a process started for this attempt directory that never reports.
    const standIn = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 1500)', dir], { stdio: 'ignore' });
    await new Promise((resolve) => standIn.once('spawn', resolve));
    const { outcome } = collectAttempt(backend, launch);
    const unstarted = await backend.recover([launch]);
    assert.deepEqual(unstarted, []);
    const { final } = await outcome;
    await backend.close();
    assert.equal(final.status, 'FAILED_BACKEND_ERROR');
    assert.equal(final.exitCode, 3001);
    assert.equal(standIn.exitCode, 0, 'the attempt ended only once its runtime had gone');
  });

  void test('reports that cannot be read end the attempt FAILED_BACKEND_ERROR, naming the file, and stop its command', async () => {
    const errors: unknown[] = [];
    const backend = make({ onError: (err) => errors.push(err) });
    const marker = `600.${process.pid}3`;
    const launch = makeAttempt(storage, { command: ['sh', '-c', `echo started; sleep ${marker}`] });
    const { outcome, running } = collectAttempt(backend, launch);
    await backend.launch(launch);
    await running;
    const dir = backend.attemptDir(launch);
    // The runtime keeps appending to the file it opened; the backend, reading the path, finds a directory.
    await rename(join(dir, 'reports.jsonl'), join(dir, 'reports.moved'));
    await mkdir(join(dir, 'reports.jsonl'));
    const { final } = await outcome;
    assert.equal(final.status, 'FAILED_BACKEND_ERROR');
    assert.equal(final.exitCode, 3001);
    assert.match(final.message ?? '', /reports\.jsonl/);
    assert.ok(errors.length > 0, 'the failure reached onError');
    const deadline = Date.now() + 10_000;
    while ((await processesWith(marker)).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await backend.close();
    assert.deepEqual(await processesWith(marker), []);
  });

  void test('a report whose time is not one is still reported, stamped with the time it was read', async () => {
    const backend = make();
    const launch = makeAttempt(storage);
    const dir = backend.attemptDir(launch);
    await mkdir(dir, { recursive: true });
    // A recorded end (as after a restart) whose time stamp no store column would take.
    await writeFile(
      join(dir, 'reports.jsonl'),
      `${JSON.stringify({ status: 'COMPLETED', exitCode: 0, message: null, at: 'not-a-time' })}\n`,
    );
    const { outcome } = collectAttempt(backend, launch);
    const before = Date.now();
    assert.deepEqual(await backend.recover([launch]), []);
    const { final } = await outcome;
    await backend.close();
    assert.equal(final.status, 'COMPLETED');
    assert.ok(final.at.getTime() >= before, String(final.at));
  });

  void test('nodes() describes this host; declared nodes win', async () => {
    const [node] = await make({ labels: { zone: 'a' } }).nodes();
    assert.ok(node !== undefined && node.cpu > 0 && node.memoryBytes > 0 && node.storageBytes > 0);
    assert.deepEqual(node.labels, { zone: 'a' });
    const declared = { name: 'n1', cpu: 4, memoryBytes: 1, storageBytes: 1, gpu: 8, labels: {} };
    assert.deepEqual(await make({ nodes: [declared] }).nodes(), [declared]);
  });

  void test('nvidia-smi output is parsed into GPUs', () => {
    assert.deepEqual(
      parseNvidiaSmi('0, NVIDIA H100 80GB HBM3, 81559\n1, NVIDIA H100 80GB HBM3, 81559 MiB\n\n'),
      [
        { index: 0, name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559 },
        { index: 1, name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559 },
      ],
    );
    assert.deepEqual(parseNvidiaSmi('No devices were found'), []);
  });
});
