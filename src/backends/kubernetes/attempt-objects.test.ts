// The objects of an attempt, checked against the Kubernetes OpenAPI schemas (kubernetes-models) and
// against upstream's names, labels and pod shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { validateManifest, type Manifest } from '../../../test/deploy/chart-render.js';
import { makeAttempt } from '../contract.js';
import {
  attemptObjects,
  DEFAULT_PLACEMENT,
  type ClusterSettings,
  type PodPlacement,
} from './attempt-objects.js';
import { mergeTemplates } from './pod-template.js';
import { labelValue, podName } from './object-names.js';
import { parseQuantity } from './node-inventory.js';

const CLUSTER: ClusterSettings = {
  namespace: 'osmo-prod',
  backendName: 'gpu-cluster',
  runtimeImage: 'registry.example.com/osmo:0.1.0',
  runtimeInstallDir: '/app',
  runtimeNodePath: '/usr/local/bin/node',
  scheduler: { kind: 'kai', name: 'kai-scheduler' },
  stopGraceSeconds: 30,
  sharedHostPaths: [],
};

const PLACEMENT: PodPlacement = {
  pool: 'training',
  platform: 'h100',
  podTemplates: [
    {
      spec: {
        containers: [{ name: 'train', securityContext: { capabilities: { add: ['IPC_LOCK'] } } }],
        volumes: [{ name: 'osmo-data', emptyDir: { medium: 'Memory' } }],
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
        serviceAccountName: 'workload-identity',
      },
      metadata: { labels: { 'osmo.task_name': 'changed-by-template', team: 'robotics' } },
    },
  ],
  nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' },
  tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
  nodesExcluded: ['bad-node-7'],
  submittedBy: 'alice@example.com',
  lead: true,
  workflowLabels: { project: 'arm picking' },
};

const launch = makeAttempt('/var/lib/osmo/storage', {
  workflowId: 'train-12',
  workflowUuid: '0123456789abcdef0123456789abcdef',
  groupUuid: 'fedcba9876543210fedcba9876543210',
  taskUuid: 'aaaabbbbccccddddeeeeffff00001111',
  taskName: 'train',
  image: 'nvcr.io/nvidia/pytorch:24.05-py3',
  resources: { cpu: 7.5, memoryBytes: 64 * 2 ** 30, gpu: 8 },
  files: [{ path: '/etc/train/config.yaml', contents: 'lr: 0.1\n', base64: false }],
  hostMounts: [{ hostPath: '/mnt/datasets', taskPath: '/datasets' }],
  registryAuth: { registry: 'nvcr.io', username: '$oauthtoken', password: 'ngc-key' },
  shmSizeBytes: 16 * 2 ** 30,
  launchedTogether: ['train', 'eval'],
  priority: 'HIGH',
});

const manifests = (objects: ReturnType<typeof attemptObjects>): Manifest[] =>
  [
    ...objects.secrets,
    objects.pod,
    ...(objects.service === null ? [] : [objects.service]),
  ] as unknown as Manifest[];

test('every object of a gang-scheduled task with templates, files and credentials passes the schemas', async () => {
  const objects = attemptObjects(launch, PLACEMENT, CLUSTER);
  for (const manifest of manifests(objects)) await validateManifest(manifest);
  assert.deepEqual(
    objects.secrets.map((s) => s.type),
    ['kubernetes.io/dockerconfigjson', 'Opaque', 'Opaque'],
  );
});

test('the schemas refuse what the API would refuse (the check can fail)', async () => {
  const { pod } = attemptObjects(launch, PLACEMENT, CLUSTER);
  const broken = { ...pod, spec: { ...pod.spec, restartPolicy: 42 } } as unknown as Manifest;
  await assert.rejects(validateManifest(broken));
});

test('the pod has upstream name, labels, annotations, finalizer and scheduling hints', () => {
  const { pod, podGroup } = attemptObjects(launch, PLACEMENT, CLUSTER);
  assert.equal(pod.metadata?.name, '0123456789abcdef-aaaabbbbccccdddd');
  assert.equal(pod.metadata?.name, podName(launch));
  const labels = pod.metadata?.labels ?? {};
  assert.equal(labels['osmo.workflow_id'], 'train-12');
  assert.equal(labels['osmo.task_name'], 'train', 'templates cannot change system labels');
  assert.equal(labels['team'], 'robotics');
  assert.equal(labels['project'], 'arm-picking');
  assert.equal(labels['osmo.submitted_by'], 'alice');
  assert.equal(labels['osmo.priority'], 'high');
  assert.equal(labels['osmo.lead_container'], 'true');
  assert.equal(labels['kai.scheduler/queue'], 'osmo-pool-osmo-prod-training');
  assert.equal(labels['runai/queue'], 'osmo-pool-osmo-prod-training');
  assert.equal(labels['nvidia.com/gpu.product'], 'NVIDIA-H100-80GB-HBM3');
  assert.equal(pod.metadata?.annotations?.['pod-group-name'], launch.groupUuid);
  assert.deepEqual(pod.metadata?.finalizers, ['osmo.nvidia.com/cleanup']);
  const spec = pod.spec;
  assert.equal(spec?.restartPolicy, 'Never');
  assert.equal(spec?.schedulerName, 'kai-scheduler');
  assert.equal(spec?.priorityClassName, undefined, 'priority travels on the PodGroup');
  assert.equal(spec?.hostname, 'train');
  assert.equal(spec?.subdomain, `osmo-${launch.groupUuid}`);
  assert.equal(spec?.serviceAccountName, 'workload-identity');
  assert.deepEqual(spec?.nodeSelector, PLACEMENT.nodeSelector);
  assert.deepEqual(
    spec?.tolerations?.map((t) => t.key),
    ['nvidia.com/gpu', 'dedicated'],
  );
  const excluded = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  assert.deepEqual(excluded?.nodeSelectorTerms[0]?.matchExpressions?.[0]?.values, ['bad-node-7']);
  assert.deepEqual(spec?.imagePullSecrets, [{ name: `${launch.groupUuid}-user` }]);
  assert.deepEqual(podGroup?.spec, {
    queue: 'osmo-pool-osmo-prod-training',
    priorityClassName: 'osmo-high',
    minMember: 2,
  });
});

test('the task container is first, holds the resources, and starts the runtime the init container placed', () => {
  const { pod } = attemptObjects(launch, PLACEMENT, CLUSTER);
  const [user, ...others] = pod.spec?.containers ?? [];
  assert.equal(others.length, 0);
  assert.equal(user?.name, 'train');
  assert.equal(user?.image, launch.image);
  assert.deepEqual(user?.command?.slice(0, 2), [
    '/osmo/bin/node',
    '/osmo/bin/osmo/dist/src/main/kubernetes-task.js',
  ]);
  assert.deepEqual(user?.resources?.limits, {
    cpu: '7500m',
    memory: String(64 * 2 ** 30),
    'nvidia.com/gpu': '8',
  });
  assert.deepEqual(
    user?.securityContext?.capabilities?.add,
    ['IPC_LOCK'],
    'a template merges into it by name',
  );
  assert.equal(
    user?.env?.find((e) => e.name === 'NVIDIA_VISIBLE_DEVICES'),
    undefined,
    'a GPU task keeps its GPUs',
  );
  const mounts = Object.fromEntries((user?.volumeMounts ?? []).map((m) => [m.mountPath, m]));
  assert.equal(mounts['/etc/train/config.yaml']?.subPath, 'config.yaml');
  assert.equal(mounts['/datasets']?.name, 'host-mount-0');
  assert.equal(mounts['/dev/shm']?.name, 'osmo-shm');
  const [init] = pod.spec?.initContainers ?? [];
  assert.equal(init?.name, 'osmo-init');
  assert.equal(init?.image, CLUSTER.runtimeImage);
  assert.deepEqual(init?.resources?.requests, { cpu: '250m', 'ephemeral-storage': '1Gi' });
  const data = pod.spec?.volumes?.find((v) => v.name === 'osmo-data');
  assert.deepEqual(data?.emptyDir, { medium: 'Memory' }, 'templates may override a volume by name');
});

test('the launch secret carries the runtime launch without the files, which are their own secrets', () => {
  const { secrets } = attemptObjects(launch, PLACEMENT, CLUSTER);
  const launchSecret = secrets.at(-1);
  const stored = JSON.parse(
    Buffer.from(launchSecret?.data?.['launch.json'] ?? '', 'base64').toString('utf8'),
  ) as {
    launch: { files: unknown[]; image: string };
  };
  assert.deepEqual(stored.launch.files, []);
  assert.equal(stored.launch.image, launch.image);
  const file = secrets[1];
  assert.equal(Buffer.from(file?.data?.['config.yaml'] ?? '', 'base64').toString('utf8'), 'lr: 0.1\n');
  assert.match(file?.metadata?.name ?? '', /^osmo-fedcba9876543210-[0-9a-f]{32}$/);
  const registry = JSON.parse(
    Buffer.from(secrets[0]?.data?.['.dockerconfigjson'] ?? '', 'base64').toString(),
  ) as {
    auths: Record<string, { username: string }>;
  };
  assert.equal(registry.auths['nvcr.io']?.username, '$oauthtoken');
});

test('a task alone on the default scheduler gets no PodGroup, no service and no GPUs', async () => {
  const alone = makeAttempt('/var/lib/osmo/storage');
  const objects = attemptObjects(alone, DEFAULT_PLACEMENT, { ...CLUSTER, scheduler: { kind: 'default' } });
  for (const manifest of manifests(objects)) await validateManifest(manifest);
  assert.equal(objects.podGroup, null);
  assert.equal(objects.service, null);
  const pod: V1Pod = objects.pod;
  assert.equal(pod.spec?.schedulerName, undefined);
  assert.equal(pod.spec?.hostname, undefined);
  assert.equal(pod.metadata?.labels?.['kai.scheduler/queue'], undefined);
  assert.deepEqual(
    pod.spec?.containers[0]?.env?.find((e) => e.name === 'NVIDIA_VISIBLE_DEVICES'),
    {
      name: 'NVIDIA_VISIBLE_DEVICES',
      value: '',
    },
  );
});

test('templates merge maps deeply, named list items by name, and append the unnamed', () => {
  const merged = mergeTemplates(
    {
      spec: {
        containers: [{ name: 'a', image: 'x' }],
        tolerations: [{ key: 't1' }],
        dnsPolicy: 'ClusterFirst',
      },
    },
    { spec: { containers: [{ name: 'a', image: 'y' }, { name: 'b' }], tolerations: [{ key: 't2' }] } },
    { spec: { dnsPolicy: 'None' } },
  );
  assert.deepEqual(merged, {
    spec: {
      containers: [{ name: 'a', image: 'y' }, { name: 'b' }],
      tolerations: [{ key: 't1' }, { key: 't2' }],
      dnsPolicy: 'None',
    },
  });
});

test('label values are cut to what the API accepts', () => {
  assert.equal(labelValue('a'.repeat(70)), 'a'.repeat(63));
  assert.equal(labelValue('-user name@x-'), 'user-name-x');
});

test('quantities read as the API writes them', () => {
  assert.equal(parseQuantity('3800m'), 3.8);
  assert.equal(parseQuantity('16Gi'), 16 * 2 ** 30);
  assert.equal(parseQuantity('1e3'), 1000);
  assert.equal(parseQuantity('100M'), 1e8);
  assert.throws(() => parseQuantity('lots'), /not a Kubernetes quantity/);
});
