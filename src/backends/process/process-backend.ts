// The process backend: attempts run on this host, each under the task runtime inside the resident
// launcher, a long-lived process of its own that outlives a restarting service.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import type { Backend, NodeInventory } from '../backend.js';
import {
  type AttemptLaunch,
  type AttemptRef,
  type AttemptReport,
  EXIT_CODES,
  serverError,
  userError,
  type TaskPaths,
  type TaskStatus,
} from '../../core/index.js';
import { attemptDirectory, ReportListeners } from '../attempt-reports.js';
import {
  ATTEMPT_FILES,
  attemptFile,
  hostPathOf,
  hostTaskPaths,
  probeSandbox,
  sandboxIdentity,
  taskPaths,
  type LaunchFile,
  type ReportRecord,
  type SandboxSupport,
  type StopRequest,
} from '../../runtime/index.js';
import { AttemptTail, unreadable } from './attempt-tail.js';
import { detectHostNode } from './host-inventory.js';
import { finalReport, forgetLaunch, readAttemptTrace } from './attempt-recovery.js';
import { LauncherClient } from './launcher-client.js';
import { isRuntimeProcess, readRuntimePid } from './runtime-liveness.js';
import { openSandboxTerminal } from './task-terminal.js';
import type { TerminalSession } from '../backend.js';

export interface ProcessBackendOptions {
  /** Attempt directories live under `<workRoot>/attempts/<workflowId>/<task>-<retry>`. */
  readonly workRoot: string;
  /** Path of the compiled launcher entry, `dist/src/main/launcher.js`. */
  readonly launcherEntry: string;
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
   * The launcher's environment: host basics and object-storage credentials, never the service's own
   * settings (its admin password, master key, database URL). Default: a standard PATH only.
   */
  readonly runtimeEnvironment?: Readonly<Record<string, string>>;
  /** Host directories tasks may read and write through `file://` URLs; none by default. */
  readonly fileUrlRoots?: readonly string[];
  /** Between SIGTERM and SIGKILL of a stopped command (upstream's 30 s by default). */
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

export function createProcessBackend(options: ProcessBackendOptions): ProcessBackend {
  const tails = new Map<string, AttemptTail>();
  /** Attempts handed to the launcher and not yet known to have ended there. */
  const children = new Map<string, { ref: AttemptRef; exited: boolean }>();
  let sandbox: Promise<SandboxSupport> | null = null;
  const terminals = new Set<TerminalSession>();
  // An error of one attempt is that attempt's failure, never the host process's: no default rethrows.
  const onError =
    options.onError ??
    ((err: unknown) => process.emitWarning(err instanceof Error ? err : new Error(String(err))));
  const listeners = new ReportListeners(onError);

  const attemptDir = (ref: AttemptRef): string => attemptDirectory(options.workRoot, ref);

  const emit = (report: AttemptReport): void => void listeners.emit(report);

  const launcher = new LauncherClient({
    workRoot: options.workRoot,
    entry: options.launcherEntry,
    environment: options.runtimeEnvironment ?? { PATH: DEFAULT_PATH },
    onEvent: (event) => {
      const child = children.get(event.dir);
      if (child === undefined || event.op === 'started') return;
      if (event.op === 'failed') runtimeFailedToStart(child.ref, event.dir, child, new Error(event.message));
      // Its final report is on disk; while the launcher lives its pid says so to the tail.
      else {
        children.delete(event.dir);
        tails.get(event.dir)?.poke();
      }
    },
    // Whether the attempts it ran live on is now told by the launcher's pid, as after a restart.
    onDisconnect: () => {
      for (const child of children.values()) child.exited = true;
    },
  });

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
    return pid !== null && isRuntimeProcess(pid, dir, launcher.commandLine);
  };

  const follow = (ref: AttemptRef, dir: string, knownPid: number | null): void => {
    tails.get(dir)?.close();
    let pid = knownPid;
    const tail = new AttemptTail({
      attemptDir: dir,
      ref,
      // The tail waits for its log batches to be kept before it reads on.
      emit: (report) => listeners.emit(report),
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

  /**
   * Writes stop.json and tells the attempt's runtime (in the launcher, or a runtime process of its
   * own started by an earlier version); false when no runtime of the attempt runs to be told.
   */
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
    // Just handed over and not started yet, the launch goes first on the same connection.
    if (!isAlive(dir, pid)) return false;
    return launcher.send({ op: 'stop', dir }).then(
      () => true,
      () => false,
    );
  };

  /**
   * Ends an attempt the backend can no longer follow: FAILED_BACKEND_ERROR with the reason, recorded
   * where its files still take it, and its runtime told to stop so nothing runs on unobserved.
   */
  const abandon = (ref: AttemptRef, dir: string | null, message: string): void => {
    const at = new Date();
    const record: ReportRecord = {
      status: 'FAILED_BACKEND_ERROR',
      exitCode: EXIT_CODES.BACKEND_ERROR,
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

  /** The launcher could not start the attempt: it ends with why, instead of waiting for a pid forever. */
  const runtimeFailedToStart = (
    ref: AttemptRef,
    dir: string,
    state: { exited: boolean },
    err: Error,
  ): void => {
    onError(err, ref);
    const record: ReportRecord = {
      status: 'FAILED_BACKEND_ERROR',
      exitCode: EXIT_CODES.BACKEND_ERROR,
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

    // The sandbox keeps the host's network namespace (tasks reach each other on loopback, as the
    // containers of one pod do), so a task's server is reached on this host's loopback.
    async taskAddress() {
      return '127.0.0.1';
    },

    async taskHostPath(ref, taskPath) {
      const dir = attemptDir(ref);
      return hostPathOf(taskPath, hostTaskPaths(dir), taskPaths(dir, (await sandboxSupport()).available));
    },

    async launch(attempt: AttemptLaunch) {
      // Submit refuses volumeMounts here; this guards a launch that reaches the backend anyway.
      if ((attempt.hostMounts ?? []).length > 0) {
        throw serverError('The process backend cannot mount host paths (volumeMounts, default_mounts)');
      }
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
      const state = { ref: attempt as AttemptRef, exited: false };
      children.set(dir, state);
      // The launch (credentials included) goes over the launcher's socket only, never to disk.
      await launcher
        .send({ op: 'launch', dir, launch: launchFile })
        .catch((err: unknown) =>
          runtimeFailedToStart(attempt, dir, state, err instanceof Error ? err : new Error(String(err))),
        );
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
              exitCode: EXIT_CODES.BACKEND_ERROR,
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

    async openTerminal(ref, request) {
      // Unsandboxed, a shell would be one on the service's host: exec is refused rather than that.
      if (!(await sandboxSupport()).available) {
        throw userError('Exec needs the task sandbox, which is not available on this service.', 422);
      }
      const session = await openSandboxTerminal(attemptDir(ref), identity, request);
      terminals.add(session);
      void session.exit.finally(() => terminals.delete(session));
      return session;
    },

    observe: (listener) => listeners.add(listener),

    async close() {
      // Attempts keep running: the service may only be restarting, and recover() re-attaches.
      for (const tail of tails.values()) tail.close();
      tails.clear();
      for (const terminal of terminals) terminal.close();
      listeners.clear();
      launcher.close();
    },
  };
}

const appendReport = (dir: string, record: ReportRecord): Promise<void> =>
  appendFile(attemptFile(dir, 'reports'), `${JSON.stringify(record)}\n`);

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
