// Everything one attempt asks of the API, as pure data in upstream's creation order: its secrets, the
// group's PodGroup, its pod, and the group's headless service. Nothing here talks to a cluster.
//
// The pod runs our task runtime inside the task's own container, not beside it: the runtime is Node.js
// and must run the command in the image's file system, so `osmo-init` (the runtime image) copies Node and
// the runtime into a shared volume and the task container starts the runtime from there. Inputs,
// outputs, checkpoints, masking and exit codes are then the same code the other backends run, and the
// runtime's reports and log lines reach the backend as JSON lines through the pod log API. Upstream's
// separate `osmo-ctrl` needs a static exec shim and a socket protocol this runtime does not have.
import type {
  V1Container,
  V1EnvVar,
  V1Pod,
  V1Secret,
  V1Service,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import type { AttemptLaunch, Priority } from '../../core/index.js';
import type { LaunchFile } from '../../runtime/index.js';
import {
  ANNOTATIONS,
  CLEANUP_FINALIZER,
  LABELS,
  fileSecretName,
  groupLabels,
  groupServiceName,
  labelValue,
  podGroupName,
  podName,
  poolQueueName,
  priorityClassName,
  registrySecretName,
  taskHostname,
  userContainerName,
} from './object-names.js';
import { mergeTemplates, type TemplateObject } from './pod-template.js';
import { CONTAINER_NAMES } from './pod-status.js';
import { GPU_RESOURCE } from './node-inventory.js';

/** Where a task's pool and platform put it; the caller renders the platform's templates beforehand. */
export interface PodPlacement {
  readonly pool: string;
  readonly platform: string;
  /** The pool's common templates, then the platform's overrides, already rendered, applied in order. */
  readonly podTemplates: readonly TemplateObject[];
  /** The platform's node selector (its `labels`). */
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly TemplateObject[];
  readonly nodesExcluded: readonly string[];
  readonly submittedBy: string | null;
  readonly lead: boolean;
  /** The workflow's own labels; system labels always win over them. */
  readonly workflowLabels: Readonly<Record<string, string>>;
}

export const DEFAULT_PLACEMENT: PodPlacement = {
  pool: 'default',
  platform: 'default',
  podTemplates: [],
  nodeSelector: {},
  tolerations: [],
  nodesExcluded: [],
  submittedBy: null,
  lead: true,
  workflowLabels: {},
};

export type SchedulerSettings =
  { readonly kind: 'kai'; readonly name: string } | { readonly kind: 'default' };

export interface ClusterSettings {
  readonly namespace: string;
  readonly backendName: string;
  /** An image holding Node.js and the osmo runtime (the osmo image). */
  readonly runtimeImage: string;
  /** Where the runtime image keeps osmo (`package.json`, `dist/`, `node_modules/`). */
  readonly runtimeInstallDir: string;
  /** The Node.js executable in the runtime image. */
  readonly runtimeNodePath: string;
  readonly scheduler: SchedulerSettings;
  readonly stopGraceSeconds: number;
  /** Host directories mounted at the same path in every pod (single-node clusters sharing the service's host). */
  readonly sharedHostPaths: readonly string[];
}

/** Paths inside the pod. */
export const POD_PATHS = {
  binaries: '/osmo/bin',
  node: '/osmo/bin/node',
  entry: '/osmo/bin/osmo/dist/src/main/kubernetes-task.js',
  attempt: '/osmo/attempt',
  launchDir: '/osmo/launch',
  launchKey: 'launch.json',
  initBinaries: '/osmo_binaries',
} as const;

export interface AttemptObjects {
  readonly secrets: readonly V1Secret[];
  /** The KAI PodGroup, when KAI schedules this cluster. */
  readonly podGroup: PodGroupObject | null;
  readonly pod: V1Pod;
  /** The headless service behind `{{host:task}}`, for a group of several tasks. */
  readonly service: V1Service | null;
}

export interface PodGroupObject {
  readonly apiVersion: 'scheduling.run.ai/v2alpha2';
  readonly kind: 'PodGroup';
  readonly metadata: { readonly name: string; readonly labels: Readonly<Record<string, string>> };
  readonly spec: {
    readonly queue: string;
    readonly priorityClassName: string;
    readonly minMember: number;
  };
}

export const PODGROUP_API = { group: 'scheduling.run.ai', version: 'v2alpha2', plural: 'podgroups' } as const;

const base64 = (text: string): string => Buffer.from(text).toString('base64');
const SECRET_KEY = /[^-._a-zA-Z0-9]/g;
const groupSize = (launch: AttemptLaunch): number => Math.max(1, launch.launchedTogether?.length ?? 1);

/** The runtime's launch, less what the pod provides itself (files are secret mounts; no task CLI). */
export function podLaunchFile(launch: AttemptLaunch): LaunchFile {
  const rest: AttemptLaunch = { ...launch, files: [] };
  delete (rest as { taskCli?: unknown }).taskCli;
  return {
    launch: rest,
    // The pod is the sandbox: `/osmo/...` are real paths there.
    sandboxed: false,
    identity: null,
    hiddenPaths: [],
    fileUrlRoots: [],
    notices: launch.taskCli === undefined ? [] : ['The osmo CLI is not offered inside Kubernetes tasks.'],
  };
}

export function attemptObjects(
  launch: AttemptLaunch,
  placement: PodPlacement,
  cluster: ClusterSettings,
): AttemptObjects {
  const group = groupLabels(launch, cluster.backendName, placement.submittedBy);
  const priority: Priority = launch.priority ?? 'NORMAL';
  const queue = poolQueueName(cluster.namespace, placement.pool);
  const kai = cluster.scheduler.kind === 'kai';
  const secretMeta = (name: string) => ({
    name,
    labels: { ...group, [LABELS.taskUuid]: labelValue(launch.taskUuid) },
  });

  const launchJson = JSON.stringify(podLaunchFile(launch));
  const launchSecret: V1Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: secretMeta(fileSecretName(launch.groupUuid, launchJson)),
    type: 'Opaque',
    data: { [POD_PATHS.launchKey]: base64(launchJson) },
  };
  const fileSecrets = launch.files.map((file) => {
    const key = (file.path.split('/').pop() ?? 'file').replace(SECRET_KEY, '_') || 'file';
    const value = file.base64 ? file.contents : base64(file.contents);
    const secret: V1Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: secretMeta(fileSecretName(launch.groupUuid, `${file.path}\n${value}`)),
      type: 'Opaque',
      data: { [key]: value },
    };
    return { secret, key, path: file.path, mode: file.mode ?? 0o644 };
  });
  const registry = launch.registryAuth ?? null;
  const registrySecret: V1Secret | null =
    registry === null
      ? null
      : {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: registrySecretName(launch.groupUuid), labels: group },
          type: 'kubernetes.io/dockerconfigjson',
          data: { '.dockerconfigjson': base64(dockerConfig(launch.image, registry)) },
        };

  const volumes: V1Volume[] = [
    { name: 'osmo', emptyDir: {} },
    { name: 'osmo-data', emptyDir: {} },
    { name: 'osmo-run', emptyDir: {} },
    { name: 'osmo-attempt', emptyDir: {} },
    { name: 'osmo-launch', secret: { secretName: launchSecret.metadata?.name ?? '', defaultMode: 0o400 } },
    ...cluster.sharedHostPaths.map((p, i) => ({ name: `osmo-shared-${i}`, hostPath: { path: p } })),
    ...fileSecrets.map((f, i) => ({
      name: `osmo-file-${i}`,
      secret: { secretName: f.secret.metadata?.name ?? '', defaultMode: f.mode },
    })),
    ...(launch.hostMounts ?? []).map((m, i) => ({ name: `host-mount-${i}`, hostPath: { path: m.hostPath } })),
    ...(launch.shmSizeBytes === undefined
      ? []
      : [{ name: 'osmo-shm', emptyDir: { medium: 'Memory', sizeLimit: String(launch.shmSizeBytes) } }]),
  ];
  const mounts: V1VolumeMount[] = [
    { name: 'osmo', mountPath: POD_PATHS.binaries, readOnly: true },
    { name: 'osmo-data', mountPath: '/osmo/data' },
    { name: 'osmo-run', mountPath: '/osmo/run' },
    { name: 'osmo-attempt', mountPath: POD_PATHS.attempt },
    { name: 'osmo-launch', mountPath: POD_PATHS.launchDir, readOnly: true },
    // Before the files: a file under a shared directory is mounted over it, not hidden by it.
    ...cluster.sharedHostPaths.map((p, i) => ({ name: `osmo-shared-${i}`, mountPath: p })),
    ...fileSecrets.map((f, i) => ({
      name: `osmo-file-${i}`,
      mountPath: f.path,
      subPath: f.key,
      readOnly: true,
    })),
    ...(launch.hostMounts ?? []).map((m, i) => ({ name: `host-mount-${i}`, mountPath: m.taskPath })),
    ...(launch.shmSizeBytes === undefined ? [] : [{ name: 'osmo-shm', mountPath: '/dev/shm' }]),
  ];

  const { cpu, memoryBytes, gpu } = launch.resources;
  const quantities: Record<string, string> = {};
  if (cpu > 0) quantities['cpu'] = `${Math.max(1, Math.round(cpu * 1000))}m`;
  if (memoryBytes > 0) quantities['memory'] = String(Math.round(memoryBytes));
  if (gpu > 0) quantities[GPU_RESOURCE] = String(gpu);
  const env: V1EnvVar[] = [
    { name: 'OSMO_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
  ];
  // Hides the GPUs a node's NVIDIA runtime would otherwise expose to a task that asked for none.
  if (gpu === 0) env.push({ name: 'NVIDIA_VISIBLE_DEVICES', value: '' });
  const containerName = userContainerName(launch.taskName);
  const user: V1Container = {
    name: containerName,
    image: launch.image,
    imagePullPolicy: 'IfNotPresent',
    command: [
      POD_PATHS.node,
      POD_PATHS.entry,
      POD_PATHS.attempt,
      `${POD_PATHS.launchDir}/${POD_PATHS.launchKey}`,
    ],
    env,
    volumeMounts: mounts,
    ...(Object.keys(quantities).length > 0
      ? { resources: { requests: quantities, limits: quantities } }
      : {}),
  };
  const init: V1Container = {
    name: CONTAINER_NAMES.init,
    image: cluster.runtimeImage,
    imagePullPolicy: 'IfNotPresent',
    command: [
      cluster.runtimeNodePath,
      `${cluster.runtimeInstallDir}/dist/src/main/kubernetes-task.js`,
      '--install',
      POD_PATHS.initBinaries,
      cluster.runtimeInstallDir,
    ],
    volumeMounts: [{ name: 'osmo', mountPath: POD_PATHS.initBinaries }],
    resources: {
      requests: { cpu: '250m', 'ephemeral-storage': '1Gi' },
      limits: { cpu: '500m', 'ephemeral-storage': '1Gi' },
    },
  };

  const several = groupSize(launch) > 1;
  const podLabels: Record<string, string> = {
    ...Object.fromEntries(Object.entries(placement.workflowLabels).map(([k, v]) => [k, labelValue(v)])),
    ...Object.fromEntries(Object.entries(placement.nodeSelector).map(([k, v]) => [k, labelValue(v)])),
    ...group,
    [LABELS.taskName]: labelValue(launch.taskName),
    [LABELS.taskUuid]: labelValue(launch.taskUuid),
    [LABELS.retryId]: String(launch.retryId),
    [LABELS.pool]: labelValue(placement.pool),
    [LABELS.platform]: labelValue(placement.platform),
    [LABELS.priority]: priority.toLowerCase(),
    ...(placement.lead ? { [LABELS.leadContainer]: 'true' } : {}),
    ...(kai ? { [LABELS.kaiQueue]: queue, [LABELS.legacyQueue]: queue } : {}),
  };
  const basePod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName(launch),
      labels: podLabels,
      annotations: kai ? { [ANNOTATIONS.podGroup]: podGroupName(launch.groupUuid) } : {},
      finalizers: [CLEANUP_FINALIZER],
    },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: cluster.stopGraceSeconds,
      ...(kai ? { schedulerName: cluster.scheduler.name } : {}),
      ...(registrySecret === null
        ? {}
        : { imagePullSecrets: [{ name: registrySecret.metadata?.name ?? '' }] }),
      ...(several
        ? { hostname: taskHostname(launch.taskName), subdomain: groupServiceName(launch.groupUuid) }
        : {}),
      ...(Object.keys(placement.nodeSelector).length > 0
        ? { nodeSelector: { ...placement.nodeSelector } }
        : {}),
      ...(placement.tolerations.length > 0 ? { tolerations: [...placement.tolerations] } : {}),
      ...(placement.nodesExcluded.length > 0
        ? { affinity: excludedNodesAffinity(placement.nodesExcluded) }
        : {}),
      initContainers: [init],
      containers: [user],
      volumes,
    },
  };
  const merged = mergeTemplates(
    basePod as unknown as TemplateObject,
    ...placement.podTemplates,
  ) as unknown as V1Pod;
  // Templates cannot change the system labels, the pod's name or its place in the list of containers.
  const pod: V1Pod = {
    ...merged,
    metadata: {
      ...merged.metadata,
      name: podName(launch),
      labels: { ...merged.metadata?.labels, ...podLabels },
    },
  };

  const podGroup: PodGroupObject | null = kai
    ? {
        apiVersion: 'scheduling.run.ai/v2alpha2',
        kind: 'PodGroup',
        metadata: {
          name: podGroupName(launch.groupUuid),
          labels: { ...group, [LABELS.kaiQueue]: queue, [LABELS.legacyQueue]: queue },
        },
        spec: { queue, priorityClassName: priorityClassName(priority), minMember: groupSize(launch) },
      }
    : null;
  const service: V1Service | null = several
    ? {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: groupServiceName(launch.groupUuid), labels: group },
        spec: { clusterIP: 'None', selector: { ...group }, publishNotReadyAddresses: true },
      }
    : null;
  return {
    secrets: [
      ...(registrySecret === null ? [] : [registrySecret]),
      ...fileSecrets.map((f) => f.secret),
      launchSecret,
    ],
    podGroup,
    pod,
    service,
  };
}

/** `nodesExcluded` as a required node affinity, without a template having to spell it. */
function excludedNodesAffinity(nodes: readonly string[]) {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'NotIn', values: [...nodes] }] },
        ],
      },
    },
  };
}

/** A dockerconfigjson for the image's registry (Docker Hub's name when the image names none). */
function dockerConfig(image: string, auth: NonNullable<AttemptLaunch['registryAuth']>): string {
  const first = image.split('/')[0] ?? '';
  const named = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = auth.registry !== '' ? auth.registry : named ? first : 'https://index.docker.io/v1/';
  const token = base64(`${auth.username}:${auth.password}`);
  return JSON.stringify({
    auths: { [registry]: { username: auth.username, password: auth.password, auth: token } },
  });
}
