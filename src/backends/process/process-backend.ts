// The process backend: each attempt is a detached runtime process on this host (execution.md §23, column a).
import { spawn } from 'node:child_process';
import { appendFile, mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  AttemptLaunch,
  AttemptRef,
  AttemptReport,
  Backend,
  NodeInventory,
  TaskPaths,
} from '../backend.js';
import { serverError, type TaskStatus } from '../../core/index.js';
import {
  ATTEMPT_FILES,
  attemptFile,
  probeSandbox,
  sandboxIdentity,
  taskPaths,
  type LaunchFile,
  type ReportRecord,
  type SandboxSupport,
  type StopRequest,
} from '../../runtime/index.js';
import { AttemptTail, BACKEND_ERROR_EXIT_CODE, unreadable } from './attempt-tail.js';
import { detectHostNode } from './host-inventory.js';
import { finalReport, forgetLaunch, readAttemptTrace } from './attempt-recovery.js';
import { isRuntimeProcess, readRuntimePid } from './runtime-liveness.js';

export interface ProcessBackendOptions {
  /** Attempt directories live under `<workRoot>/attempts/<workflowId>/<task>-<retry>`. */
  readonly workRoot: string;
  /** Path of the compiled runtime entry, `dist/src/main/runtime.js`. */
  readonly runtimeEntry: string;
  /** Declared inventory; detected from this host when absent. */
  readonly nodes?: readonly NodeInventory[];
  /** Labels of the detected host node (platform membership). */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * 'required' (the default) refuses to launch without a working sandbox; 'when-available' runs
   * unsandboxed where bubblewrap does not work (dev mode, or an admin's explicit opt-in); 'off' never
   * sandboxes.
   */
  readonly sandbox?: SandboxMode;
  /** The unprivileged uid/gid tasks run as when the service runs as root (default 100000). */
  readonly sandboxUid?: number;
  readonly sandboxGid?: number;
  /** Host paths a sandbox must hide even under its system directories (the service's data directory). */
  readonly hiddenPaths?: readonly string[];
  /**
   * The runtime's environment: host basics and object-storage credentials, never the service's own
   * settings (its admin password, master key, database URL). Default: a standard PATH only.
   */
  readonly runtimeEnvironment?: Readonly<Record<string, string>>;
  /** Host directories tasks may read and write through `file://` URLs; none by default. */
  readonly fileUrlRoots?: readonly string[];
  /** Between SIGTERM and SIGKILL of a stopped command (execution.md §23.7: 30 s). */
  readonly stopGraceMs?: number;
  readonly pollIntervalMs?: number;
  /**
   * Told of failures of following an attempt, of starting its runtime or of a listener, with the
   * attempt they concern (the attempt itself ends with a status saying so); by default a process warning.
   */
  readonly onError?: (err: unknown, ref: AttemptRef | null) => void;
}

export interface ProcessBackend extends Backend {
  readonly kind: 'process';
  /** Whether commands run with `/osmo/...` mapped (cached probe of bubblewrap). */
  isSandboxAvailable(): Promise<boolean>;
  /** The cached probe itself, with why a sandbox is not usable. */
  sandboxSupport(): Promise<SandboxSupport>;
  taskPaths(ref: AttemptRef): Promise<TaskPaths>;
  /** The directory holding an attempt's files. */
  attemptDir(ref: AttemptRef): string;
}

export type SandboxMode = 'required' | 'when-available' | 'off';
const DEFAULT_SANDBOX_UID = 100_000;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const DEFAULT_STOP_GRACE_MS = 30_000;
const DEFAULT_POLL_INTERVAL_MS = 250;
// Task and workflow names are validated upstream; this keeps a path segment a path segment regardless.
const SAFE_SEGMENT = /^[A-Za-z0-9._-]+$/;

export function createProcessBackend(options: ProcessBackendOptions): ProcessBackend {
  const listeners = new Set<(report: AttemptReport) => void>();
  const tails = new Map<string, AttemptTail>();
  const children = new Map<string, { exited: boolean }>();
  let sandbox: Promise<SandboxSupport> | null = null;
  // An error of one attempt is that attempt's failure, never the host process's: no default rethrows.
  const onError =
    options.onError ??
    ((err: unknown) => process.emitWarning(err instanceof Error ? err : new Error(String(err))));

  const attemptDir = (ref: AttemptRef): string => {
    for (const segment of [ref.workflowId, ref.taskName]) {
      if (!SAFE_SEGMENT.test(segment))
        throw serverError(`Unsafe name for an attempt directory: "${segment}"`);
    }
    return join(options.workRoot, 'attempts', ref.workflowId, `${ref.taskName}-${ref.retryId}`);
  };

  const emit = (report: AttemptReport): void => {
    for (const listener of listeners) {
      try {
        listener(report);
      } catch (err) {
        onError(err, report.ref);
      }
    }
  };

  const mode = options.sandbox ?? 'required';
  const identity = sandboxIdentity(
    options.sandboxUid ?? DEFAULT_SANDBOX_UID,
    options.sandboxGid ?? options.sandboxUid ?? DEFAULT_SANDBOX_UID,
  );
  const sandboxSupport = (): Promise<SandboxSupport> => {
    if (mode === 'off') return Promise.resolve({ available: false, reason: 'disabled in configuration' });
    sandbox ??= probeSandbox(identity);
    return sandbox;
  };

  const isAlive = (dir: string, pid: number | null): boolean => {
    const child = children.get(dir);
    if (child !== undefined && !child.exited) return true;
    return pid !== null && isRuntimeProcess(pid, dir);
  };

  const follow = (ref: AttemptRef, dir: string, knownPid: number | null): void => {
    tails.get(dir)?.close();
    let pid = knownPid;
    const tail = new AttemptTail({
      attemptDir: dir,
      ref,
      emit,
      onError: (err) => onError(err, ref),
      onUnfollowable: (message) => abandon(ref, dir, message),
      pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      isRuntimeAlive: async () => {
        pid ??= await readRuntimePid(dir).catch((err: unknown) => {
          throw unreadable(ATTEMPT_FILES.pid, err);
        });
        return isAlive(dir, pid);
      },
    });
    tails.set(dir, tail);
    void tail.done.then(() => {
      if (tails.get(dir) === tail) tails.delete(dir);
    });
    tail.start();
  };

  /** Writes stop.json and signals the runtime; false when no runtime of the attempt runs to be told. */
  const tellRuntimeToStop = async (dir: string, request: StopRequest): Promise<boolean> => {
    await mkdir(dir, { recursive: true });
    await writeFile(attemptFile(dir, 'stop'), JSON.stringify(request));
    const pid = await readRuntimePid(dir);
    if (pid !== null && isRuntimeProcess(pid, dir)) {
      try {
        process.kill(pid, 'SIGTERM');
        return true;
      } catch (err) {
        // It ended between the check and the signal: there is no runtime to tell.
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
        return false;
      }
    }
    return isAlive(dir, pid); // just spawned: it reads stop.json before starting anything
  };

  /**
   * Ends an attempt the backend can no longer follow: FAILED_BACKEND_ERROR with the reason, recorded
   * where its files still take it, and its runtime told to stop so nothing runs on unobserved.
   */
  const abandon = (ref: AttemptRef, dir: string | null, message: string): void => {
    const at = new Date();
    const record: ReportRecord = {
      status: 'FAILED_BACKEND_ERROR',
      exitCode: BACKEND_ERROR_EXIT_CODE,
      message,
      at: at.toISOString(),
    };
    emit({ kind: 'status', ref, status: record.status, exitCode: record.exitCode, message, at });
    if (dir === null) return;
    const graceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    void appendReport(dir, record)
      .catch((err: unknown) => onError(err, ref))
      .then(() => tellRuntimeToStop(dir, { status: record.status, message, graceMs }))
      .catch((err: unknown) => onError(err, ref));
  };

  /** The runtime could not be spawned: the attempt ends with why, instead of waiting for a pid forever. */
  const runtimeFailedToStart = (
    ref: AttemptRef,
    dir: string,
    state: { exited: boolean },
    err: Error,
  ): void => {
    onError(err, ref);
    const record: ReportRecord = {
      status: 'FAILED_BACKEND_ERROR',
      exitCode: BACKEND_ERROR_EXIT_CODE,
      message: `The task runtime could not be started: ${err.message}`,
      at: new Date().toISOString(),
    };
    // Marked gone only once the reason is on disk, so the tail reports it rather than a bare loss.
    void appendReport(dir, record)
      .catch((e: unknown) => onError(e, ref))
      .finally(() => (state.exited = true));
  };

  return {
    kind: 'process',
    attemptDir,

    async nodes() {
      return options.nodes ?? [await detectHostNode(options.workRoot, options.labels ?? {})];
    },

    async isSandboxAvailable() {
      return (await sandboxSupport()).available;
    },

    sandboxSupport,

    async taskPaths(ref) {
      return taskPaths(attemptDir(ref), (await sandboxSupport()).available);
    },

    async launch(attempt: AttemptLaunch) {
      const dir = attemptDir(attempt);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const support = await sandboxSupport();
      if (!support.available && mode === 'required') {
        throw serverError(`The process backend cannot sandbox tasks here: ${support.reason ?? 'unknown'}`);
      }
      const notices = [`The task runs as a process on this host, not in the image ${attempt.image}.`];
      if (!support.available) {
        notices.push(`No sandbox (${support.reason ?? 'unknown'}): /osmo paths are host directories.`);
      }
      const launchFile: LaunchFile = {
        launch: attempt,
        sandboxed: support.available,
        identity: support.available ? identity : null,
        hiddenPaths: options.hiddenPaths ?? [],
        fileUrlRoots: options.fileUrlRoots ?? [],
        notices,
      };
      // 'wx': a second launch of the same attempt is a bug of the caller, not something to overwrite.
      const { workflowId, taskName, retryId } = attempt;
      const marker = JSON.stringify({ workflowId, taskName, retryId, at: new Date().toISOString() });
      await writeFile(attemptFile(dir, 'launched'), marker, { flag: 'wx', mode: 0o600 }).catch(
        (err: unknown) => {
          if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
            throw serverError(
              `Attempt ${attempt.taskName} retry ${attempt.retryId} of ${attempt.workflowId} was already launched`,
            );
          }
          throw err;
        },
      );
      const output = await open(join(dir, 'runtime.log'), 'a');
      try {
        const child = spawn(process.execPath, [options.runtimeEntry, dir], {
          detached: true, // its own session: it outlives a killed service
          env: { ...(options.runtimeEnvironment ?? { PATH: DEFAULT_PATH }) },
          stdio: ['pipe', output.fd, output.fd],
        });
        const state = { exited: false };
        children.set(dir, state);
        child.on('exit', () => (state.exited = true));
        child.on('error', (err) => runtimeFailedToStart(attempt, dir, state, err));
        // The launch (credentials included) goes over the pipe only; a runtime that died first has
        // already reported why, so a broken pipe is not an error of its own.
        child.stdin?.on('error', () => undefined);
        child.stdin?.end(JSON.stringify(launchFile));
        child.unref();
      } finally {
        await output.close();
      }
      follow(attempt, dir, null);
    },

    async stop(ref: AttemptRef, status: TaskStatus, message: string) {
      const dir = attemptDir(ref);
      const request: StopRequest = { status, message, graceMs: options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS };
      if (await tellRuntimeToStop(dir, request)) return;
      // No runtime to tell: record the requested end ourselves unless the attempt already ended.
      if ((await finalReport(dir)) === null) {
        await appendReport(dir, { status, exitCode: null, message, at: new Date().toISOString() });
      }
      if (!tails.has(dir)) follow(ref, dir, await readRuntimePid(dir));
    },

    async recover(attempts: readonly AttemptRef[]) {
      const unstarted: AttemptRef[] = [];
      for (const ref of attempts) {
        let dir: string | null = null;
        try {
          dir = attemptDir(ref);
          const trace = await readAttemptTrace(dir, isAlive(dir, null));
          if (!trace.started) {
            await forgetLaunch(dir);
            unstarted.push(ref);
            continue;
          }
          if (!trace.ended && !isAlive(dir, trace.pid)) {
            await appendReport(dir, {
              status: 'FAILED_BACKEND_ERROR',
              exitCode: BACKEND_ERROR_EXIT_CODE,
              message: 'The task runtime is gone (the host or the service stopped while the task ran).',
              at: new Date().toISOString(),
            });
          }
          follow(ref, dir, trace.pid); // replays logs from seq 0 and every report; the consumer drops repeats
        } catch (err) {
          // One attempt whose files cannot be read must not keep the others, or the service, from starting.
          onError(err, ref);
          abandon(ref, dir, `The service could not recover the task after a restart (${errorText(err)}).`);
        }
      }
      return unstarted;
    },

    observe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close() {
      // Attempts keep running: the service may only be restarting, and recover() re-attaches.
      for (const tail of tails.values()) tail.close();
      tails.clear();
      listeners.clear();
    },
  };
}

const appendReport = (dir: string, record: ReportRecord): Promise<void> =>
  appendFile(attemptFile(dir, 'reports'), `${JSON.stringify(record)}\n`);

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
