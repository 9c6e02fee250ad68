// The one small interface every compute backend implements (execution.md §23): launch, stop, recover, observe.
import type { TaskStatus } from '../core/index.js';

export const BACKEND_KINDS = ['process', 'docker', 'kubernetes'] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

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

/** Where the runtime fetches input N from before the command starts (workflow-spec.md §7.7). */
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

/** A storage destination for outputs pushed after the command ends (workflow-spec.md §7.8). */
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

/** A checkpoint pushed while the command runs (workflow-spec.md §7.9); `path` is as the task sees it. */
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

/** The in-container paths of execution.md §16.1, right for every backend that maps `/osmo/...`. */
export const CONTAINER_TASK_PATHS: TaskPaths = {
  output: '/osmo/data/output',
  workspace: '/osmo/run/workspace',
  input: (index) => `/osmo/data/input/${index}`,
};

/** A status report of one attempt, the `update_pod` equivalent of execution.md §23. */
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
  readonly kind: 'log';
  readonly ref: AttemptRef;
  readonly seq: number;
  readonly time: Date;
  readonly ioType: LogIoType;
  readonly text: string;
}

export type AttemptReport = AttemptStatusReport | AttemptLogRecord;

/** One schedulable machine as a backend sees it. */
export interface NodeInventory {
  readonly name: string;
  readonly cpu: number;
  readonly memoryBytes: number;
  readonly storageBytes: number;
  readonly gpu: number;
  readonly labels: Readonly<Record<string, string>>;
}

export interface Backend {
  readonly kind: BackendKind;
  /** The nodes this backend offers, detected or declared in configuration. */
  nodes(): Promise<readonly NodeInventory[]>;
  /** Starts an attempt; progress, logs and the end arrive through `observe`. */
  launch(attempt: AttemptLaunch): Promise<void>;
  /** Stops an attempt; the final status report follows through `observe` with the given status. */
  stop(ref: AttemptRef, status: TaskStatus, message: string): Promise<void>;
  /**
   * After a service restart: re-attach to the attempts that still run and replay their reports
   * (logs from seq 0); report the ones that are gone with their recorded end, or FAILED_BACKEND_ERROR.
   * Answers the attempts this backend never started (the service stopped between placing and
   * launching them): nothing of them ran and nothing is reported for them, so the caller launches them.
   */
  recover(attempts: readonly AttemptRef[]): Promise<readonly AttemptRef[]>;
  /** Subscribes to reports of every attempt; returns the unsubscribe function. */
  observe(listener: (report: AttemptReport) => void): () => void;
  /**
   * The paths to substitute for `{{output}}` / `{{input:N}}` in this attempt before `launch`; a backend
   * without it uses CONTAINER_TASK_PATHS. The process backend answers host paths when it cannot sandbox.
   */
  taskPaths?(ref: AttemptRef): Promise<TaskPaths>;
  /** What `{{host:task}}` resolves to for a task of the attempt's group; absent means loopback. */
  taskHost?(ref: AttemptRef, taskName: string): string;
  close(): Promise<void>;
}
