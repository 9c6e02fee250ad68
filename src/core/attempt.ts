// What travels between the engine, the backends and the task runtime about one attempt: which attempt,
// how to launch it, and what it reports back (status and log batches). Plain data, no I/O.
import type { Priority, TaskStatus } from './statuses.js';
import type { TaskCliLaunch } from './task-cli.js';

/** Identifies one attempt (one retry of one task). */
export interface AttemptRef {
  readonly workflowId: string;
  readonly workflowUuid: string;
  readonly groupName: string;
  readonly groupUuid: string;
  readonly taskName: string;
  readonly taskUuid: string;
  readonly retryId: number;
}

/** Where the runtime fetches input N from before the command starts: a task's outputs, a URL or a dataset. */
export type InputSource =
  | { readonly kind: 'task'; readonly storagePrefix: string; readonly regex: string | null }
  | { readonly kind: 'url'; readonly url: string; readonly regex: string | null }
  /** A dataset version: its objects in this deployment's storage and where each lands under the input dir. */
  | {
      readonly kind: 'dataset';
      readonly name: string;
      readonly objects: readonly { readonly key: string; readonly path: string }[];
      readonly regex: string | null;
    };

/** A storage destination for outputs pushed after the command ends. */
export interface OutputTarget {
  readonly url: string;
  readonly regex: string | null;
}

/** Object storage as the runtime sees it: a serialisable description it can open itself. */
export type StorageLocation =
  | { readonly kind: 'local'; readonly root: string }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      /** Keys of the deployment live under this prefix of the bucket. */
      readonly rootPrefix: string;
      readonly region: string;
      readonly endpointUrl: string | null;
      readonly pathStyle: boolean;
      /** Null: the runtime's ambient credential chain (environment variables). */
      readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | null;
    };

/** A DATA credential handed to the runtime for `url:`/checkpoint URIs of one profile (e.g. `s3://bucket`). */
export interface LaunchDataCredential {
  readonly profile: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  readonly endpointUrl: string | null;
  readonly addressingStyle: 'virtual' | 'path' | 'auto';
}

/** A checkpoint pushed on its interval while the command runs; `path` is as the task sees it. */
export interface CheckpointTarget {
  readonly path: string;
  readonly url: string;
  readonly frequencySeconds: number;
  readonly regex: string | null;
}

/** Everything a backend needs to run one attempt; tokens are already substituted. */
export interface AttemptLaunch extends AttemptRef {
  readonly image: string;
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  /** `mode` defaults to 0644; credential files are 0600. */
  readonly files: readonly {
    readonly path: string;
    readonly contents: string;
    readonly base64: boolean;
    readonly mode?: number;
  }[];
  readonly inputs: readonly InputSource[];
  readonly outputs: readonly OutputTarget[];
  /** The storage of this deployment, and the prefix this attempt's `{{output}}` directory is kept under. */
  readonly storage: StorageLocation;
  readonly outputPrefix: string;
  /** Checkpoints uploaded on their interval while the command runs and once after it ends. */
  readonly checkpoints?: readonly CheckpointTarget[];
  /** Credentials for `url:` inputs, outputs and checkpoints; a profile without one uses the ambient chain. */
  readonly dataCredentials?: readonly LaunchDataCredential[];
  readonly resources: { readonly cpu: number; readonly memoryBytes: number; readonly gpu: number };
  /** GPU indices the scheduler assigned to this attempt (never shared between running attempts). */
  readonly gpuIndices: readonly number[];
  /** Values to replace with [MASKED] in every log line (credential values of 8 characters or more). */
  readonly secrets: readonly string[];
  /** The REGISTRY credential to pull `image` with (container backends); absent or null pulls anonymously. */
  readonly registryAuth?: RegistryAuth | null;
  /** `/dev/shm` size for container backends; absent keeps the backend's default. */
  readonly shmSizeBytes?: number;
  /** Host directories the platform allows (`volumeMounts`, `default_mounts`), mounted read-write at `taskPath`. */
  readonly hostMounts?: readonly HostMount[];
  /** The `osmo` CLI inside the task, speaking for the workflow's user; absent: the task has none. */
  readonly taskCli?: TaskCliLaunch;
  /**
   * The tasks of this group the engine places and launches together with this one (this one included):
   * a backend that starts a group as one unit (one Slurm job) waits for all of them. Absent: alone.
   */
  readonly launchedTogether?: readonly string[];
  /** The workflow's priority, for backends whose own scheduler orders work (Slurm's nice or QOS). */
  readonly priority?: Priority;
  /** Where the workflow's pool and platform put it, for backends that place by labels (Kubernetes). */
  readonly placement?: LaunchPlacement;
}

/** The pool, platform (its node labels) and user of an attempt, as the controller resolved them. */
export interface LaunchPlacement {
  readonly pool: string;
  readonly platform: string;
  /** The platform's `labels`: a node is of the platform when it carries every one. */
  readonly nodeLabels: Readonly<Record<string, string>>;
  /** The task's `nodesExcluded`, as the backend's nodes name them. */
  readonly nodesExcluded: readonly string[];
  readonly submittedBy: string;
  /** Whether this is its group's lead task. */
  readonly lead: boolean;
  /** The workflow's own labels. */
  readonly workflowLabels: Readonly<Record<string, string>>;
}

/** One `src[:dest]` of a task's `volumeMounts` or its platform's `default_mounts`. */
export interface HostMount {
  readonly hostPath: string;
  readonly taskPath: string;
}

/** A REGISTRY credential as a backend needs it: `registry` empty matches any registry. */
export interface RegistryAuth {
  readonly registry: string;
  readonly username: string;
  readonly password: string;
}

/** Where `{{output}}`, `{{input:N}}` and the workspace are, as the task's command sees them. */
export interface TaskPaths {
  readonly output: string;
  readonly workspace: string;
  input(index: number): string;
}

/** Upstream's in-container paths (`/osmo/data/...`, `/osmo/run/...`), right for every backend that maps them. */
export const CONTAINER_TASK_PATHS: TaskPaths = {
  output: '/osmo/data/output',
  workspace: '/osmo/run/workspace',
  input: (index) => `/osmo/data/input/${index}`,
};

/** A status report of one attempt: upstream's pod-status update, from any backend. */
export interface AttemptStatusReport {
  readonly kind: 'status';
  readonly ref: AttemptRef;
  readonly status: TaskStatus;
  readonly exitCode: number | null;
  readonly message: string | null;
  readonly at: Date;
}

export const LOG_IO_TYPES = ['STDOUT', 'STDERR', 'OSMO_CTRL', 'DOWNLOAD', 'UPLOAD'] as const;
export type LogIoType = (typeof LOG_IO_TYPES)[number];

/** One log record of one attempt; `seq` increases by one per record so a consumer can skip repeats. */
export interface AttemptLogRecord {
  readonly seq: number;
  readonly time: Date;
  readonly ioType: LogIoType;
  readonly text: string;
}

/**
 * Consecutive log records of one attempt, in seq order. Logs travel in batches: a task printing a
 * million lines is a few hundred reports, not a million.
 */
export interface AttemptLogBatch {
  readonly kind: 'log';
  readonly ref: AttemptRef;
  readonly records: readonly AttemptLogRecord[];
}

export type AttemptReport = AttemptStatusReport | AttemptLogBatch;
