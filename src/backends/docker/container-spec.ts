// Pure translation of one attempt into the engine's container-create body, labels and names.
import type { ContainerCreateOptions } from 'dockerode';
import {
  type AttemptLaunch,
  type AttemptRef,
  CONTAINER_TASK_PATHS,
  TASK_CLI_PATHS,
} from '../../core/index.js';
import {
  type ContainerTaskCliFiles,
  expandEnvReferencesIn,
  taskCliEnvironment,
  taskCliMounts,
} from '../../runtime/index.js';

/** Label keys on everything the backend creates, so a restarted service finds it. */
export const LABELS = {
  managed: 'osmo.managed',
  backend: 'osmo.backend_id',
  workflowId: 'osmo.workflow_id',
  workflowUuid: 'osmo.workflow_uuid',
  groupName: 'osmo.group_name',
  groupUuid: 'osmo.group_uuid',
  taskName: 'osmo.task_name',
  taskUuid: 'osmo.task_uuid',
  retryId: 'osmo.retry_id',
} as const;

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const NAME_SAFE = /[^a-zA-Z0-9_.-]/g;

export const containerName = (ref: AttemptRef): string =>
  `osmo-${ref.workflowId}-${ref.taskName}-${ref.retryId}`.replace(NAME_SAFE, '-');

/** One user-defined network per group. */
export const networkName = (groupUuid: string): string => `osmo-${groupUuid}`.replace(NAME_SAFE, '-');

/** The DNS name `{{host:task}}` becomes: an alias of that task's container on the group network. */
export const taskHostName = (ref: AttemptRef, taskName: string): string =>
  `${taskName}.${networkName(ref.groupUuid)}`.toLowerCase();

export function attemptLabels(ref: AttemptRef, backendId: string): Record<string, string> {
  return {
    [LABELS.managed]: 'true',
    [LABELS.backend]: backendId,
    [LABELS.workflowId]: ref.workflowId,
    [LABELS.workflowUuid]: ref.workflowUuid,
    [LABELS.groupName]: ref.groupName,
    [LABELS.groupUuid]: ref.groupUuid,
    [LABELS.taskName]: ref.taskName,
    [LABELS.taskUuid]: ref.taskUuid,
    [LABELS.retryId]: String(ref.retryId),
  };
}

/** How the host side of an attempt is mounted into its container. */
export interface AttemptMounts {
  readonly output: string;
  /** The workspace directory; bound so the service can rsync into it as into a pod's. */
  readonly workspace?: string;
  readonly inputs: readonly string[];
  readonly files: readonly { readonly hostPath: string; readonly taskPath: string }[];
  /** The task's `osmo` launcher and login directory, when the launch has a CLI. */
  readonly taskCli?: ContainerTaskCliFiles;
}

export interface GpuExposure {
  /** `device-requests`: NVIDIA runtime DeviceRequests; `cdi`: CDI names `nvidia.com/gpu=<idx>` (Podman). */
  readonly mode: 'device-requests' | 'cdi' | 'none';
}

export interface ContainerSettings {
  readonly backendId: string;
  readonly shmSizeBytes: number | null;
  readonly gpu: GpuExposure;
  /** Environment the image declares (its PATH decides where the command is found). */
  readonly imageEnv: readonly string[];
}

export function containerCreateBody(
  launch: AttemptLaunch,
  mounts: AttemptMounts,
  settings: ContainerSettings,
): ContainerCreateOptions {
  const gpus = launch.gpuIndices.join(',');
  const env: Record<string, string> = {
    ...launch.environment,
    CUDA_VISIBLE_DEVICES: gpus,
    NVIDIA_VISIBLE_DEVICES: gpus,
  };
  if (!settings.imageEnv.some((e) => e.startsWith('PATH=')) && env['PATH'] === undefined) {
    env['PATH'] = DEFAULT_PATH;
  }
  const cli = launch.taskCli !== undefined && mounts.taskCli !== undefined ? launch.taskCli : null;
  if (cli !== null) {
    // The CLI's directory joins the PATH the command would have had, as upstream's exec wrapper appends it.
    const path = env['PATH'] ?? environmentRecord(settings.imageEnv)['PATH'] ?? DEFAULT_PATH;
    const socket = cli.serviceSocket === null ? null : TASK_CLI_PATHS.socket;
    Object.assign(
      env,
      taskCliEnvironment(
        cli,
        { configDir: TASK_CLI_PATHS.configDir, binDir: TASK_CLI_PATHS.bin, socket },
        path,
      ),
    );
  }
  // Engines pass `$(NAME)` through untouched; a kubelet expands it, from what the container will see.
  const containerEnv = { ...environmentRecord(settings.imageEnv), ...env };
  const [entrypoint, ...cmd] = expandEnvReferencesIn(launch.command, containerEnv);
  const binds = [
    `${mounts.output}:${CONTAINER_TASK_PATHS.output}`,
    ...(mounts.workspace === undefined ? [] : [`${mounts.workspace}:${CONTAINER_TASK_PATHS.workspace}`]),
    ...mounts.inputs.map((dir, i) => `${dir}:${CONTAINER_TASK_PATHS.input(i)}:ro`),
    ...mounts.files.map((f) => `${f.hostPath}:${f.taskPath}:ro`),
    // Host paths the platform allows, read-write as a Kubernetes hostPath volume is.
    ...(launch.hostMounts ?? []).map((m) => `${m.hostPath}:${m.taskPath}`),
    ...(cli === null || mounts.taskCli === undefined ? [] : taskCliBinds(cli, mounts.taskCli)),
  ];
  const shm = launch.shmSizeBytes ?? settings.shmSizeBytes;
  const network = networkName(launch.groupUuid);
  const gpuCount = launch.gpuIndices.length;
  return {
    name: containerName(launch),
    Image: launch.image,
    // No shell: the command is the entrypoint, the rest its arguments.
    Entrypoint: entrypoint === undefined ? [] : [entrypoint],
    Cmd: [...cmd, ...expandEnvReferencesIn(launch.args, containerEnv)],
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: attemptLabels(launch, settings.backendId),
    Hostname: launch.taskName.toLowerCase().slice(0, 63),
    HostConfig: {
      Binds: binds,
      // A tiny init as PID 1 so signals behave as on any host (PID 1 ignores default-action signals).
      Init: true,
      NetworkMode: network,
      ...(launch.resources.cpu > 0 ? { NanoCpus: Math.round(launch.resources.cpu * 1e9) } : {}),
      ...(launch.resources.memoryBytes > 0
        ? { Memory: launch.resources.memoryBytes, MemorySwap: launch.resources.memoryBytes }
        : {}),
      ...(shm === null ? {} : { ShmSize: shm }),
      ...(gpuCount > 0 && settings.gpu.mode === 'device-requests'
        ? {
            DeviceRequests: [
              { Driver: 'nvidia', DeviceIDs: launch.gpuIndices.map(String), Capabilities: [['gpu']] },
            ],
          }
        : {}),
      ...(gpuCount > 0 && settings.gpu.mode === 'cdi'
        ? {
            Devices: launch.gpuIndices.map((i) => ({
              PathOnHost: `nvidia.com/gpu=${i}`,
              PathInContainer: '',
              CgroupPermissions: 'rwm',
            })),
          }
        : {}),
    },
    NetworkingConfig: {
      EndpointsConfig: { [network]: { Aliases: [taskHostName(launch, launch.taskName)] } },
    },
  };
}

/** The CLI's files and its login, read-only, and the service's socket. */
function taskCliBinds(cli: NonNullable<AttemptLaunch['taskCli']>, files: ContainerTaskCliFiles): string[] {
  return [
    `${files.loginDir}:${TASK_CLI_PATHS.configDir}:ro`,
    `${files.launcher}:${TASK_CLI_PATHS.launcher}:ro`,
    ...taskCliMounts(cli.install).map((m) => `${m.hostPath}:${m.taskPath}:ro`),
    ...(cli.serviceSocket === null ? [] : [`${cli.serviceSocket}:${TASK_CLI_PATHS.socket}`]),
  ];
}

/** The command the container runs (its `$(NAME)` references expanded), if it has one. */
export const entrypointOf = (body: ContainerCreateOptions): string | undefined =>
  Array.isArray(body.Entrypoint) ? body.Entrypoint[0] : body.Entrypoint;

/** `NAME=value` entries as a record; a later entry for a name wins, as in the container. */
function environmentRecord(entries: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq > 0) record[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return record;
}

/** The directories a bare command name is looked up in, from the container's environment. */
export function searchPath(body: ContainerCreateOptions, imageEnv: readonly string[]): string[] {
  const env = [...imageEnv, ...(body.Env ?? [])];
  const path =
    env
      .filter((e) => e.startsWith('PATH='))
      .pop()
      ?.slice(5) ?? DEFAULT_PATH;
  return path.split(':').filter((p) => p.startsWith('/'));
}
