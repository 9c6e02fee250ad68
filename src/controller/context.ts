// What the engine works with: the store, the backends, the log store, the clock and the pool's shape.
import type { Logger } from 'pino';
import type { AttemptRef, StorageLocation } from '../core/index.js';
import type { NodeCapacity, WaitKind } from '../scheduler/index.js';
import type { Store } from '../store/index.js';
import type { BackendSet } from './backend-set.js';
import type { LiveConfig } from './live-config.js';
import type { LogStore } from './log-store.js';
import type { SpecWork } from './spec-jobs.js';
import type { TaskCliProvider } from './task-cli.js';
import type { CredentialResolver } from './task-credentials.js';

export const DEFAULT_POOL = 'default';

export interface WaitInfo {
  readonly kind: WaitKind;
  readonly reason: string;
  readonly estimatedStart: Date | null;
}

export interface SchedulingState {
  /** By workflow uuid: why its first waiting group cannot start. */
  readonly waits: Map<string, WaitInfo>;
  /** Task db keys of attempts asked to stop for preemption. */
  readonly stopping: Set<string>;
  /** Uuids of workflows a dispatch pass placed work for, until the engine has looked at them again. */
  readonly placed: Set<string>;
  /**
   * False once a dispatch pass found the queue empty, until work joins it again: freed capacity then
   * has nothing to place, and the dispatcher need not read the launched attempts to learn so.
   */
  queued: boolean;
}

export const newSchedulingState = (): SchedulingState => ({
  waits: new Map(),
  stopping: new Set(),
  placed: new Set(),
  queued: true,
});

export interface EngineContext {
  readonly store: Store;
  /** Every configured backend by name; a workflow runs on the one its pool named at submit. */
  readonly backends: BackendSet;
  readonly logs: LogStore;
  readonly log: Logger;
  readonly now: () => Date;
  readonly storage: StorageLocation;
  /** The schedulable nodes of every configured backend, with their labels. */
  readonly nodes: () => readonly NodeCapacity[];
  /** Pools, platforms, backends and rules in force (reloaded without a restart). */
  readonly config: LiveConfig;
  /** What the last dispatch pass decided for waiting work, and attempts being preempted. */
  readonly scheduling: SchedulingState;
  /** Workflow config `max_retry_per_task` (default 0). */
  readonly maxRetryPerTask: number;
  /** Spec rendering and validation, off the event loop in the service. */
  readonly specs: SpecWork;
  /** Resolves a user's credential, decrypted, for `credentials:` projection (absent: none stored). */
  readonly credentials?: CredentialResolver;
  /** Gives attempts the `osmo` CLI with a credential of their own (absent: tasks get none). */
  readonly taskCli?: TaskCliProvider;
  /** With several replicas: whether this one still holds the engine lease (absent: it runs alone). */
  readonly mayLaunch?: () => boolean;
}

/** Where a task's `{{output}}` directory is kept in object storage, so later tasks and workflows find it. */
export const outputPrefix = (workflowId: string, taskName: string): string =>
  `workflows/${workflowId}/outputs/${taskName}`;

export const attemptKey = (ref: Pick<AttemptRef, 'workflowId' | 'taskName' | 'retryId'>): string =>
  `${ref.workflowId}/${ref.taskName}/${ref.retryId}`;
