// The Kubernetes backend up to the wire: the real client against a loopback API server that replays
// recorded responses, checking the requests made, in order, and the reports that come back.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { V1Pod } from '@kubernetes/client-node';
import { collectAttempt, makeAttempt, textsOf } from '../contract.js';
import type { AttemptRef } from '../../core/index.js';
import { FakeApiServer } from './api-fixture.js';
import { createKubernetesBackend, type KubernetesBackend } from './kubernetes-backend.js';
import { logLine, reportLine } from './pod-log-lines.js';
import { podName } from './object-names.js';
import { RequestBudget } from './request-budget.js';

let server: FakeApiServer;
let backend: KubernetesBackend;
let errors: unknown[];

const until = async (what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

const make = (extra: Partial<Parameters<typeof createKubernetesBackend>[0]> = {}): KubernetesBackend =>
  createKubernetesBackend({
    name: 'k8s-test',
    access: { kind: 'config', config: server.kubeConfig() },
    namespace: 'osmo',
    runtimeImage: 'localhost/osmo:0.1.0',
    stopGraceMs: 5_000,
    onError: (err) => errors.push(err),
    ...extra,
  });

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  errors = [];
  backend = make();
});
afterEach(async () => {
  await backend.close();
  await server.stop();
});

const POD_PATH = '/api/v1/namespaces/osmo/pods';
const attempt = (overrides: Parameters<typeof makeAttempt>[1] = {}) =>
  makeAttempt('/var/lib/osmo/storage', { image: 'ubuntu:24.04', priority: 'LOW', ...overrides });

/** The runtime's own lines for a run: INITIALIZING, RUNNING, two log lines, then its end. */
const runtimeLog = (exitCode: number): string => {
  const at = new Date('2026-01-01T12:00:03Z');
  return [
    reportLine('INITIALIZING', null, null, at),
    reportLine('RUNNING', null, null, at),
    'a line the image printed before the runtime started',
    logLine(0, at, 'STDOUT', 'hello'),
    logLine(1, at, 'STDERR', 'oops'),
    exitCode === 0
      ? reportLine('COMPLETED', 0, null, at)
      : reportLine('FAILED', exitCode, `Failure reason: Exit code ${exitCode}.`, at),
    '',
  ].join('\n');
};

test('a launch creates secrets, PodGroup and pod in order, follows the watch and the log, and records the end', async () => {
  const launch = attempt({ command: ['sh', '-c', 'exit 3'], launchedTogether: ['task'] });
  const { outcome } = collectAttempt(backend, launch);
  await backend.launch(launch);
  const pod = podName(launch);
  await until(
    'the watch',
    () =>
      server.sequence().includes(`GET ${POD_PATH}`) &&
      server.requests.some((r) => r.query.get('watch') === 'true'),
  );
  server.setPodState(pod, 'initializing');
  server.setPodState(pod, 'running');
  server.appendLog(pod, runtimeLog(3));
  const { final, statuses, logs } = await outcome;
  assert.equal(final.status, 'FAILED');
  assert.equal(final.exitCode, 3);
  assert.deepEqual(
    statuses.map((s) => s.status),
    ['SCHEDULING', 'INITIALIZING', 'RUNNING', 'FAILED'],
  );
  assert.deepEqual(textsOf(logs, 'STDOUT'), ['hello']);
  assert.deepEqual(textsOf(logs, 'STDERR'), ['oops']);
  await until('the group clean-up', () => server.requests.some((r) => r.method === 'DELETE'));
  await until('the secret clean-up', () =>
    server.sequence().includes('DELETE /api/v1/namespaces/osmo/secrets'),
  );
  assert.deepEqual(server.sequence(/GET .*\/pods(\?|$)/), [
    'POST /api/v1/namespaces/osmo/secrets',
    'POST /apis/scheduling.run.ai/v2alpha2/namespaces/osmo/podgroups',
    `POST ${POD_PATH}`,
    `GET ${POD_PATH}/${pod}/log`,
    `PATCH ${POD_PATH}/${pod}`,
    'DELETE /api/v1/namespaces/osmo/services/' + `osmo-${launch.groupUuid}`,
    `DELETE /apis/scheduling.run.ai/v2alpha2/namespaces/osmo/podgroups/${launch.groupUuid}`,
    'DELETE /api/v1/namespaces/osmo/secrets',
  ]);
  const created = server.requests.find((r) => r.method === 'POST' && r.path === POD_PATH)?.body as V1Pod;
  assert.equal(created.spec?.schedulerName, 'kai-scheduler');
  assert.equal(created.metadata?.labels?.['osmo.priority'], 'low');
  const podGroup = server.requests.find((r) => r.path.endsWith('/podgroups') && r.method === 'POST')
    ?.body as {
    spec: { priorityClassName: string; minMember: number; queue: string };
  };
  assert.deepEqual(podGroup.spec, {
    queue: 'osmo-pool-osmo-default',
    priorityClassName: 'osmo-low',
    minMember: 1,
  });
  const log = server.requests.find((r) => r.path.endsWith('/log'));
  assert.equal(log?.query.get('follow'), 'true');
  assert.equal(log?.query.get('container'), 'task');
  const patch = server.requests.find((r) => r.method === 'PATCH');
  assert.equal(patch?.contentType, 'application/merge-patch+json');
  const end = JSON.parse(server.pod(pod)?.metadata?.annotations?.['osmo.nvidia.com/end'] ?? '{}') as {
    status?: string;
  };
  assert.equal(end.status, 'FAILED');
  assert.deepEqual(errors, []);
});

test('a pod whose image does not pull ends FAILED_IMAGE_PULL from its state, and the pod goes', async () => {
  const launch = attempt({ image: 'registry.example.com/missing:1' });
  const { outcome } = collectAttempt(backend, launch);
  await backend.launch(launch);
  server.setPodState(podName(launch), 'imagePullBackOff');
  const { final } = await outcome;
  assert.equal(final.status, 'FAILED_IMAGE_PULL');
  assert.equal(final.exitCode, 301);
  assert.match(final.message ?? '', /ImagePullBackOff/);
  await until('the pod deleted', () =>
    server.requests.some((r) => r.method === 'DELETE' && r.path === `${POD_PATH}/${podName(launch)}`),
  );
});

test('stop records the stop on the pod, deletes it with the grace, and ends as asked once it stopped', async () => {
  const launch = attempt({ command: ['sleep', '600'] });
  const { outcome } = collectAttempt(backend, launch);
  await backend.launch(launch);
  const pod = podName(launch);
  server.setPodState(pod, 'running');
  server.appendLog(pod, `${reportLine('RUNNING', null, null, new Date())}\n`);
  await until('RUNNING', () => server.requests.some((r) => r.path.endsWith('/log')));
  await backend.stop(launch, 'FAILED_CANCELED', 'Task was canceled by user: test.');
  const deletion = server.requests.find((r) => r.method === 'DELETE' && r.path === `${POD_PATH}/${pod}`);
  assert.equal(deletion?.query.get('gracePeriodSeconds'), '5');
  assert.match(server.pod(pod)?.metadata?.annotations?.['osmo.nvidia.com/stop'] ?? '', /FAILED_CANCELED/);
  // The runtime's own end (killed by the deletion) does not decide: the stop osmo asked for does.
  server.appendLog(
    pod,
    `${reportLine('FAILED_BACKEND_ERROR', 3001, 'The task pod was deleted.', new Date())}\n`,
    true,
  );
  server.setPodState(pod, 'terminating', true);
  const { final } = await outcome;
  assert.equal(final.status, 'FAILED_CANCELED');
  assert.equal(final.message, 'Task was canceled by user: test.');
});

test('recover hands back an attempt without a pod and replays the end recorded on a finished one', async () => {
  const finished = attempt({ taskName: 'done' });
  const { outcome } = collectAttempt(backend, finished);
  await backend.launch(finished);
  server.setPodState(podName(finished), 'failedExit3');
  server.appendLog(podName(finished), runtimeLog(3), true);
  assert.equal((await outcome).final.exitCode, 3);
  await backend.close();

  backend = make();
  const never = attempt({ taskName: 'never' });
  const replay = collectAttempt(backend, finished);
  const unstarted: readonly AttemptRef[] = await backend.recover([never, finished]);
  assert.deepEqual(
    unstarted.map((r) => r.taskName),
    ['never'],
  );
  const { final } = await replay.outcome;
  assert.equal(final.status, 'FAILED');
  assert.equal(final.exitCode, 3);
});

test('a watch the API answers with 410 Gone is replaced by a fresh list', async () => {
  server.gonePending = 1;
  const launch = attempt();
  const { outcome } = collectAttempt(backend, launch);
  await backend.launch(launch);
  const gets = (watching: boolean) =>
    server.requests.filter(
      (r) => r.method === 'GET' && r.path === POD_PATH && (r.query.get('watch') === 'true') === watching,
    );
  // A list, the watch that is told 410, a second list, and a second watch.
  await until('a second watch', () => gets(false).length >= 2 && gets(true).length >= 2);
  server.setPodState(podName(launch), 'running');
  server.appendLog(podName(launch), runtimeLog(0), true);
  assert.equal((await outcome).final.status, 'COMPLETED');
  const lists = server.requests.filter((r) => r.path === POD_PATH && r.method === 'GET');
  assert.equal(lists[0]?.query.get('labelSelector'), 'osmo.backend=k8s-test,osmo.task_uuid');
});

test('nodes are the schedulable, Ready nodes of the node list, with allocatable capacity', async () => {
  const nodes = await backend.nodes();
  assert.deepEqual(
    nodes.map((n) => n.name),
    ['gpu-node-1', 'cpu-node-2'],
  );
  const [gpu] = nodes;
  assert.equal(gpu?.cpu, 63);
  assert.equal(gpu?.gpu, 8);
  assert.equal(gpu?.memoryBytes, 526081508 * 1024);
  assert.equal(gpu?.storageBytes, 1699706283306);
  assert.equal(gpu?.labels['nvidia.com/gpu.product'], 'NVIDIA-H100-80GB-HBM3');
  assert.equal(gpu?.labels['feature.node.kubernetes.io/cpu-model.vendor_id'], undefined);
});

test('every request is paid from the cluster budget: a burst beyond it waits', async () => {
  await backend.close();
  const budget = new RequestBudget(10, 2);
  backend = make({ budget });
  const started = Date.now();
  await Promise.all([backend.nodes(), backend.nodes(), backend.nodes(), backend.nodes()]);
  // Two at once, then one each 100 ms.
  assert.ok(Date.now() - started >= 180, `${Date.now() - started} ms`);
  assert.equal(backend.requestsMade(), 4);
});

test('a group of several tasks gets its headless service, and `{{host:task}}` names a pod behind it', async () => {
  const shared = { workflowId: 'wf-group', groupUuid: 'g'.repeat(32), launchedTogether: ['lead', 'worker'] };
  const lead = attempt({ ...shared, taskName: 'lead' });
  await backend.launch(lead);
  assert.equal(backend.taskHost(lead, 'worker'), `worker.osmo-${'g'.repeat(32)}.osmo.svc.cluster.local`);
  const service = server.objects.get(`services/osmo-${'g'.repeat(32)}`) as { spec: { clusterIP: string } };
  assert.equal(service.spec.clusterIP, 'None');
  const pod = server.pod(podName(lead));
  assert.equal(pod?.spec?.subdomain, `osmo-${'g'.repeat(32)}`);
  assert.equal(pod?.spec?.hostname, 'lead');
});

test('recover re-attaches to a running pod and replays its log from seq 0', async () => {
  const launch = attempt({ taskName: 'long' });
  await backend.launch(launch);
  const pod = podName(launch);
  server.setPodState(pod, 'running');
  await until('the log followed', () => server.requests.some((r) => r.path.endsWith('/log')));
  await backend.close();

  backend = make();
  const { outcome } = collectAttempt(backend, launch);
  assert.deepEqual(await backend.recover([launch]), []);
  server.appendLog(pod, runtimeLog(0), true);
  const { final, logs } = await outcome;
  assert.equal(final.status, 'COMPLETED');
  assert.deepEqual(
    logs.map((l) => [l.seq, l.text]),
    [
      [0, 'hello'],
      [1, 'oops'],
    ],
  );
});

test('a pod deleted outside osmo ends its attempt FAILED_BACKEND_ERROR', async () => {
  const launch = attempt({ taskName: 'victim' });
  const { outcome } = collectAttempt(backend, launch);
  await backend.launch(launch);
  const pod = podName(launch);
  server.setPodState(pod, 'running');
  const object = server.pod(pod);
  server.objects.delete(`pods/${pod}`);
  server.event('DELETED', object);
  const { final } = await outcome;
  assert.equal(final.status, 'FAILED_BACKEND_ERROR');
  assert.match(final.message ?? '', /deleted outside osmo/);
});

test('the launch the backend sends runs under the real pod runtime, whose stdout as the pod log ends it', async () => {
  const root = await mkdtemp(join(tmpdir(), 'osmo-k8s-wire-'));
  try {
    const launch = makeAttempt(join(root, 'storage'), {
      command: ['sh', '-c', 'echo hi; echo "$SECRET" >&2; exit 4'],
      environment: { SECRET: 'a-long-secret-value' },
      secrets: ['a-long-secret-value'],
    });
    const { outcome } = collectAttempt(backend, launch);
    await backend.launch(launch);
    const pod = podName(launch);
    const sent = server.requests.find((r) => r.method === 'POST' && r.path.endsWith('/secrets'))?.body as {
      data: Record<string, string>;
    };
    const launchPath = join(root, 'launch.json');
    await writeFile(launchPath, Buffer.from(sent.data['launch.json'] ?? '', 'base64'));
    await mkdir(join(root, 'attempt'));
    await mkdir(join(root, 'osmo'));
    server.setPodState(pod, 'running');
    const entry = fileURLToPath(new URL('../../main/kubernetes-task.js', import.meta.url));
    const child = spawn(process.execPath, [entry, join(root, 'attempt'), launchPath, join(root, 'osmo')], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.on('data', (chunk: Buffer) => server.appendLog(pod, chunk.toString('utf8')));
    const code = await new Promise((resolve) => child.on('close', resolve));
    server.appendLog(pod, '', true);
    server.setPodState(pod, 'failedExit3');
    assert.equal(code, 4);
    const { final, logs } = await outcome;
    assert.equal(final.status, 'FAILED');
    assert.equal(final.exitCode, 4);
    assert.deepEqual(textsOf(logs, 'STDOUT'), ['hi']);
    assert.deepEqual(textsOf(logs, 'STDERR'), ['[MASKED]']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('settings the API would refuse are refused when the backend is made, naming the setting', () => {
  assert.throws(
    () => make({ namespace: 'Not_A_Namespace' }),
    /namespace "Not_A_Namespace" is not a DNS label/,
  );
  assert.throws(() => make({ runtimeImage: ' ' }), /runtimeImage is empty/);
  assert.throws(() => make({ name: 'bad name!' }), /not a valid label value/);
});
