// The one map from a backend kind to the code that makes a backend of that kind; a kind missing here
// is one this service cannot run, and a configuration naming it is refused.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDockerBackend } from '../backends/docker/index.js';
import { createProcessBackend } from '../backends/process/index.js';
import { createSlurmBackend } from '../backends/slurm/index.js';
import type { BackendConfig } from '../config/pool-config.js';
import { runtimeEnvironment, type ServiceConfig } from '../config/service-config.js';
import type { AttemptRef, BackendKind } from '../core/index.js';
import type { BuiltBackend } from '../controller/backend-set.js';
import { makeKubernetesBackend } from './kubernetes-backend-factory.js';

/**
 * Processes share CPUs; a task's CPU request limits how many run at once, not what each may use. So a
 * detected process node offers this many scheduling slots per real CPU, while every report (resource
 * list, pool totals) still shows the real count: slots are a scheduling policy, not hardware.
 */
const PROCESS_CPU_OVERCOMMIT = 8;

export type BackendErrorHandler = (err: unknown, ref: AttemptRef | null) => void;

export interface MakeContext {
  readonly config: ServiceConfig;
  /** Where this backend keeps its attempts: its own directory, so backends never share one. */
  readonly workRoot: string;
  readonly onError: BackendErrorHandler;
  /** The backend the service started with, which the service's own flags (--nodes-file) describe. */
  readonly startup: boolean;
}

export interface MadeBackend extends BuiltBackend {
  /** Why tasks of a process backend run without the sandbox here (dev mode), or null. */
  readonly unsandboxedBecause: string | null;
}

export type BackendFactory = (entry: BackendConfig, made: MakeContext) => Promise<MadeBackend>;

const launcherEntry = (): string => join(dirname(fileURLToPath(import.meta.url)), 'launcher.js');
const slurmJobEntry = (): string => join(dirname(fileURLToPath(import.meta.url)), 'slurm-job.js');

/**
 * The process backend, refused outside dev mode when its tasks could not be sandboxed, unless the
 * admin explicitly accepts tasks that see the host.
 */
const makeProcessBackend: BackendFactory = async (_entry, { config, workRoot, onError, startup }) => {
  const lenient = config.devMode || config.insecureProcessBackend;
  const declared = startup ? config.nodes : undefined;
  const backend = createProcessBackend({
    workRoot,
    onError,
    launcherEntry: launcherEntry(),
    sandbox: lenient ? 'when-available' : 'required',
    sandboxUid: config.sandboxUid,
    hiddenPaths: [config.dataDir],
    runtimeEnvironment: runtimeEnvironment(),
    fileUrlRoots: config.fileUrlRoots,
    ...(declared ? { nodes: declared } : {}),
  });
  const support = await backend.sandboxSupport();
  if (!support.available && !lenient) {
    throw new Error(
      `The process backend cannot sandbox tasks here (${support.reason ?? 'unknown'}); install bubblewrap (run as root, or allow unprivileged user namespaces), or start with --insecure-process-backend to let tasks see the host`,
    );
  }
  return {
    backend,
    cpuOvercommit: declared ? 1 : PROCESS_CPU_OVERCOMMIT,
    unsandboxedBecause: support.available ? null : (support.reason ?? 'unknown'),
  };
};

const makeDockerBackend: BackendFactory = async (entry, { config, workRoot, onError, startup }) => ({
  backend: createDockerBackend({
    host: entry.docker_host ?? config.dockerHost ?? 'unix:///var/run/docker.sock',
    workRoot,
    fileUrlRoots: config.fileUrlRoots,
    onError,
    // The start-up backend keeps the label value its containers always had, so a restart finds them.
    ...(startup ? {} : { backendId: `docker-${entry.name}` }),
  }),
  cpuOvercommit: 1,
  unsandboxedBecause: null,
});

/** Slurm jobs run under the task runtime on the nodes, in a work directory they share with the service. */
const makeSlurmBackend: BackendFactory = async (entry, { config, workRoot: ownRoot, onError }) => {
  const settings = entry.slurm ?? { ...config.slurm, conf: null };
  const workRoot = settings.workDir ?? ownRoot;
  await mkdir(workRoot, { recursive: true, mode: 0o700 });
  return {
    backend: createSlurmBackend({
      workRoot,
      jobEntry: slurmJobEntry(),
      commandEnvironment:
        settings.conf === null ? process.env : { ...process.env, SLURM_CONF: settings.conf },
      ...(settings.nodeExecutable === null ? {} : { nodeExecutable: settings.nodeExecutable }),
      runtimeEnvironment: runtimeEnvironment(),
      fileUrlRoots: config.fileUrlRoots,
      policy: {
        partition: settings.partition,
        account: settings.account,
        qos: settings.qos,
        extraArgs: settings.sbatchArgs,
      },
      onError,
    }),
    cpuOvercommit: 1,
    unsandboxedBecause: null,
  };
};

/** Every kind this service can run; a configuration naming another is refused. */
export const BACKEND_FACTORIES: ReadonlyMap<BackendKind, BackendFactory> = new Map<
  BackendKind,
  BackendFactory
>([
  ['process', makeProcessBackend],
  ['docker', makeDockerBackend],
  ['slurm', makeSlurmBackend],
  ['kubernetes', makeKubernetesBackend],
]);
