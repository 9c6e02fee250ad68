// End to end: a service whose configuration declares a kubernetes backend by name, its kubeconfig
// pointing at a loopback API server that replays recorded answers. The backend reports the cluster's
// nodes, a workflow on its pool becomes a pod sent to that server (and runs to its end as the pod's
// runtime reports it through the log), and the backend goes offline with the error once the API is gone.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { FakeApiServer, type RequestRecord } from '../../src/backends/kubernetes/api-fixture.js';
import { logLine, reportLine } from '../../src/backends/kubernetes/pod-log-lines.js';
import type { ServiceProcess } from './harness.js';
import { apiCall, devToken, eventually, loginAs, osmo, startServiceProcess, tempDir } from './harness.js';

interface BackendJson {
  name: string;
  online: boolean;
  kind?: string | null;
  running_kind?: string;
  node_count?: number;
  last_error?: string | null;
  k8s_namespace: string;
  kubernetes?: { kubeconfig: string | null; runtime_image: string } | null;
}
interface QueryJson {
  uuid: string;
  status: string;
  groups: { tasks: { name: string; task_uuid: string; status: string }[] }[];
}

const NAMESPACE = 'osmo-e2e';
const PODS = `/api/v1/namespaces/${NAMESPACE}/pods`;

let api: FakeApiServer;
let service: ServiceProcess;
let admin: string;
let token: string;
let work: string;

async function backend(name: string): Promise<BackendJson | undefined> {
  const r = await apiCall(service.url, 'GET', '/api/configs/backend', token);
  assert.equal(r.status, 200, r.text);
  return (JSON.parse(r.text) as { backends: BackendJson[] }).backends.find((b) => b.name === name);
}

async function query(id: string): Promise<QueryJson> {
  const r = await osmo(admin, ['workflow', 'query', id, '--format-type', 'json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return JSON.parse(r.stdout) as QueryJson;
}

const podCreations = (): RequestRecord[] =>
  api.requests.filter((r) => r.method === 'POST' && r.path === PODS);

describe('a kubernetes backend declared by name, against a recorded API server', () => {
  before(async () => {
    api = new FakeApiServer();
    await api.start();
    work = await tempDir('k8s-e2e');
    const kubeconfig = join(work, 'kubeconfig.yaml');
    // Plain HTTP on loopback: the client takes it only with TLS checks off.
    await writeFile(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: fixture\n  cluster:\n    server: ${api.url}\n    insecure-skip-tls-verify: true`,
        'users:',
        '- name: osmo\n  user:\n    token: fake-token',
        'contexts:',
        '- name: other\n  context:\n    cluster: nowhere\n    user: osmo',
        '- name: fixture\n  context:\n    cluster: fixture\n    user: osmo',
        'current-context: other',
        '',
      ].join('\n'),
    );
    const config = join(work, 'pools.json');
    await writeFile(
      config,
      JSON.stringify({
        backends: [
          { name: 'default' },
          {
            name: 'k8s',
            description: 'Kubernetes',
            kind: 'kubernetes',
            k8s_namespace: NAMESPACE,
            kubernetes: { kubeconfig, context: 'fixture', runtime_image: 'localhost/osmo:e2e' },
          },
        ],
        pools: {
          default: { backend: 'default', default_platform: 'any', platforms: { any: {} } },
          cluster: {
            backend: 'k8s',
            default_platform: 'cpu',
            platforms: { cpu: { labels: { 'kubernetes.io/hostname': 'cpu-node-2' } } },
          },
        },
      }),
    );
    service = await startServiceProcess({ args: ['--config', config, '--admin', 'root'] });
    admin = await loginAs(service.url, 'root');
    token = await devToken(service.url, 'root');
  });

  after(async () => {
    await service?.stop();
    await api?.stop().catch(() => {});
  });

  test('the backend is online with the nodes the cluster lists as schedulable', async () => {
    const k8s = await eventually(async () => {
      const b = await backend('k8s');
      return b?.online === true ? b : null;
    });
    // Three nodes listed, one cordoned.
    assert.equal(k8s.node_count, 2, JSON.stringify(k8s));
    assert.equal(k8s.kind, 'kubernetes');
    assert.equal(k8s.running_kind, 'kubernetes');
    assert.equal(k8s.k8s_namespace, NAMESPACE);
    assert.equal(k8s.kubernetes?.runtime_image, 'localhost/osmo:e2e');
    assert.ok(api.requests.some((r) => r.method === 'GET' && r.path === '/api/v1/nodes'));
    const list = await osmo(admin, ['backend', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /k8s\s+Kubernetes\s+ONLINE/);
  });

  test('a config write with bad kubernetes settings is refused naming the field', async () => {
    const r = await apiCall(service.url, 'POST', '/api/configs/backend/k8s2', token, {
      configs: { kind: 'kubernetes', kubernetes: { kubeconfig: 'kubeconfig.yaml', runtime_image: 'osmo' } },
    });
    assert.equal(r.status, 400, r.text);
    assert.match(r.text, /kubernetes\.kubeconfig: must be an absolute path/);
    assert.equal(await backend('k8s2'), undefined);
  });

  test('a workflow on its pool becomes a pod in the namespace, labelled for its pool, platform and user', async () => {
    const file = join(work, 'hello.yaml');
    await writeFile(
      file,
      "workflow:\n  name: k8s-hello\n  tasks:\n  - name: main\n    image: ubuntu:24.04\n    command: ['echo', 'hello']\n",
    );
    const submitted = await osmo(admin, ['workflow', 'submit', file, '--pool', 'cluster']);
    assert.equal(submitted.code, 0, submitted.stdout + submitted.stderr);
    const id = /Workflow ID\s+-\s+(\S+)/.exec(submitted.stdout)?.[1];
    assert.ok(id, submitted.stdout);
    const created = await eventually(async () => podCreations()[0] ?? null);
    const pod = created.body as V1Pod;
    const q = await query(id);
    const task = q.groups[0]?.tasks[0];
    assert.ok(task);
    // Upstream's pod name: the first 16 characters of the workflow and task uuids.
    const name = `${q.uuid.slice(0, 16)}-${task.task_uuid.slice(0, 16)}`.toLowerCase();
    assert.equal(pod.metadata?.name, name);
    assert.equal(pod.metadata?.namespace ?? NAMESPACE, NAMESPACE);
    const labels = pod.metadata?.labels ?? {};
    assert.equal(labels['osmo.workflow_id'], id);
    assert.equal(labels['osmo.task_name'], 'main');
    assert.equal(labels['osmo.retry_id'], '0');
    assert.equal(labels['osmo.pool'], 'cluster');
    assert.equal(labels['osmo.platform'], 'cpu');
    assert.equal(labels['osmo.submitted_by'], 'root');
    assert.equal(labels['osmo.lead_container'], 'true');
    assert.equal(labels['osmo.backend'], 'k8s');
    assert.equal(labels['kai.scheduler/queue'], `osmo-pool-${NAMESPACE}-cluster`);
    assert.deepEqual(pod.spec?.nodeSelector, { 'kubernetes.io/hostname': 'cpu-node-2' });
    assert.equal(pod.spec?.schedulerName, 'kai-scheduler');
    assert.equal(pod.spec?.initContainers?.find((c) => c.name === 'osmo-init')?.image, 'localhost/osmo:e2e');
    assert.ok(
      api.requests.some(
        (r) =>
          r.method === 'POST' &&
          r.path === `/apis/scheduling.run.ai/v2alpha2/namespaces/${NAMESPACE}/podgroups`,
      ),
    );

    // The pod runs as the cluster reports it, and its runtime tells the end through the log.
    await eventually(async () => (api.requests.some((r) => r.query.get('watch') === 'true') ? true : null));
    api.setPodState(name, 'running');
    const at = new Date();
    api.appendLog(
      name,
      [
        reportLine('INITIALIZING', null, null, at),
        reportLine('RUNNING', null, null, at),
        logLine(0, at, 'STDOUT', 'hello from the pod'),
        reportLine('COMPLETED', 0, null, at),
        '',
      ].join('\n'),
      true,
    );
    const done = await eventually(async () => {
      const w = await query(id);
      return /^(COMPLETED|FAILED)/.test(w.status) ? w : null;
    }, 60_000);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
    const logs = await eventually(async () => {
      const r = await osmo(admin, ['workflow', 'logs', id]);
      return r.stdout.includes('hello from the pod') ? r.stdout : null;
    });
    assert.match(logs, /hello from the pod/);
  });

  test('the backend goes offline with the error once its API server is gone', async () => {
    await api.stop();
    const down = await eventually(async () => {
      const b = await backend('k8s');
      return b?.online === false ? b : null;
    }, 40_000);
    assert.equal(down.node_count, 0);
    assert.match(down.last_error ?? '', /ECONNREFUSED|connect|socket|fetch/i, JSON.stringify(down));
    assert.match((await osmo(admin, ['backend', 'list'])).stdout, /k8s\s+Kubernetes\s+OFFLINE/);
  });
});
