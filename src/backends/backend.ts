// The one small interface every compute backend implements: launch, stop, recover, observe.
import type { Duplex } from 'node:stream';
import type {
  AttemptLaunch,
  AttemptRef,
  AttemptReport,
  BackendKind,
  TaskPaths,
  TaskStatus,
} from '../core/index.js';

export { BACKEND_KINDS, type BackendKind } from '../core/index.js';

/** One schedulable machine as a backend sees it. */
export interface NodeInventory {
  readonly name: string;
  readonly cpu: number;
  readonly memoryBytes: number;
  readonly storageBytes: number;
  readonly gpu: number;
  readonly labels: Readonly<Record<string, string>>;
}

/** A command to run inside a running attempt, under a terminal of its own (`osmo workflow exec`). */
export interface TerminalRequest {
  /** The program and its arguments, already split (no shell stands between). */
  readonly command: readonly string[];
  readonly rows: number;
  readonly cols: number;
  /** Set over the task's own environment (TERM and the history settings upstream gives exec). */
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * One exec session inside an attempt. It lives beside the task's command and never changes the
 * task's status; it ends when its command ends, when it is closed, or with the attempt.
 */
export interface TerminalSession {
  /** Keystrokes written in, terminal output read out; the readable side ends with the command. */
  readonly stream: Duplex;
  /** Resolves once the terminal has the new size (keystrokes that follow wait for it). */
  resize(rows: number, cols: number): Promise<void> | void;
  /** The command's exit status once it ended; null when the backend cannot tell (killed, gone). */
  readonly exit: Promise<number | null>;
  /** Hangs up: the command gets what a closed terminal gives it. */
  close(): void;
}

/**
 * Hears an attempt's reports. A listener may answer a promise for a log batch: it settles once the
 * batch is kept, and a backend reading logs faster than they are kept waits for it (memory stays
 * bounded however fast a task prints).
 */
export type ReportListener = (report: AttemptReport) => void | Promise<void>;

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
  observe(listener: ReportListener): () => void;
  /**
   * The paths to substitute for `{{output}}` / `{{input:N}}` in this attempt before `launch`; a backend
   * without it uses CONTAINER_TASK_PATHS. The process backend answers host paths when it cannot sandbox.
   */
  taskPaths?(ref: AttemptRef): Promise<TaskPaths>;
  /** What `{{host:task}}` resolves to for a task of the attempt's group; absent means loopback. */
  taskHost?(ref: AttemptRef, taskName: string): string;
  /**
   * The address the service dials to reach a port a running attempt listens on (port-forward); the
   * task's own server must listen there. Absent: the backend offers no port-forward.
   */
  taskAddress?(ref: AttemptRef): Promise<string>;
  /**
   * The host directory behind a directory the attempt sees (its workspace or output), or null when
   * the path names nothing of the attempt's own (rsync serves only those).
   */
  taskHostPath?(ref: AttemptRef, taskPath: string): Promise<string | null>;
  /** True when `hostMounts` of a launch are mounted; a backend without it refuses launches that have any. */
  readonly mountsHostPaths?: boolean;
  /**
   * Opens a terminal inside a running attempt, in the task's own view (its files, environment and
   * processes), never on the service's host; a backend without it cannot exec.
   */
  openTerminal?(ref: AttemptRef, request: TerminalRequest): Promise<TerminalSession>;
  close(): Promise<void>;
}
