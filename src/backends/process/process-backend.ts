// The process backend: each attempt is a detached runtime process on this host (execution.md §23, column a).
import { spawn } from 'node:child_process';
import { appendFile, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  AttemptLaunch,
  AttemptRef,
  AttemptReport,
  Backend,
  NodeInventory,
  TaskPaths,
} from '../backend.js';
import { isTaskFinished, serverError, type TaskStatus } from '../../core/index.js';
import {
  ReportRecordSchema,
  attemptFile,
  parseRecordLine,
  probeSandbox,
  taskPaths,
  type LaunchFile,
  type ReportRecord,
  type SandboxSupport,
  type StopRequest,
} from '../../runtime/index.js';
import { AttemptTail, BACKEND_ERROR_EXIT_CODE } from './attempt-tail.js';
import { detectHostNode } from './host-inventory.js';
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
  /** false never sandboxes; true or absent sandboxes when bubblewrap works here. */
  readonly sandbox?: boolean;
  /** Between SIGTERM and SIGKILL of a stopped command (execution.md §23.7: 30 s). */
  readonly stopGraceMs?: number;
  readonly pollIntervalMs?: number;
  /** Receives failures of tailing or of a listener; by default they are thrown asynchronously. */
  readonly onError?: (err: unknown) => void;
}

export interface ProcessBackend extends Backend {
  readonly kind: 'process';
  /** Whether commands run with `/osmo/...` mapped (cached probe of bubblewrap). */
  isSandboxAvailable(): Promise<boolean>;
  taskPaths(ref: AttemptRef): Promise<TaskPaths>;
  /** The directory holding an attempt's files. */
  attemptDir(ref: AttemptRef): string;
}

const DEFAULT_STOP_GRACE_MS = 30_000;
const DEFAULT_POLL_INTERVAL_MS = 250;
// Task and workflow names are validated upstream; this keeps a path segment a path segment regardless.
const SAFE_SEGMENT = /^[A-Za-z0-9._-]+$/;

export function createProcessBackend(options: ProcessBackendOptions): ProcessBackend {
  const listeners = new Set<(report: AttemptReport) => void>();
  const tails = new Map<string, AttemptTail>();
  const children = new Map<string, { exited: boolean }>();
  let sandbox: Promise<SandboxSupport> | null = null;
  const onError =
    options.onError ??
    ((err: unknown) => {
      queueMicrotask(() => {
        throw err;
      });
    });

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
        onError(err);
      }
    }
  };

  const sandboxSupport = (): Promise<SandboxSupport> => {
    if (options.sandbox === false)
      return Promise.resolve({ available: false, reason: 'disabled in configuration' });
    sandbox ??= probeSandbox();
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
      onError,
      pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      isRuntimeAlive: () => {
        if (pid === null) void readRuntimePid(dir).then((p) => (pid = p), onError);
        return isAlive(dir, pid);
      },
    });
    tails.set(dir, tail);
    void tail.done.then(() => {
      if (tails.get(dir) === tail) tails.delete(dir);
    });
    tail.start();
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

    async taskPaths(ref) {
      return taskPaths(attemptDir(ref), (await sandboxSupport()).available);
    },

    async launch(attempt: AttemptLaunch) {
      const dir = attemptDir(attempt);
      await mkdir(dir, { recursive: true });
      const support = await sandboxSupport();
      const notices = [`The task runs as a process on this host, not in the image ${attempt.image}.`];
      if (!support.available) {
        notices.push(`No sandbox (${support.reason ?? 'unknown'}): /osmo paths are host directories.`);
      }
      const launchFile: LaunchFile = { launch: attempt, sandboxed: support.available, notices };
      // 'wx': a second launch of the same attempt is a bug of the caller, not something to overwrite.
      await writeFile(attemptFile(dir, 'launch'), JSON.stringify(launchFile), {
        flag: 'wx',
        mode: 0o600,
      }).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
          throw serverError(
            `Attempt ${attempt.taskName} retry ${attempt.retryId} of ${attempt.workflowId} was already launched`,
          );
        }
        throw err;
      });
      const output = await open(join(dir, 'runtime.log'), 'a');
      try {
        const child = spawn(process.execPath, [options.runtimeEntry, dir], {
          detached: true, // its own session: it outlives a killed service
          stdio: ['ignore', output.fd, output.fd],
        });
        const state = { exited: false };
        children.set(dir, state);
        child.on('exit', () => (state.exited = true));
        child.on('error', onError);
        child.unref();
      } finally {
        await output.close();
      }
      follow(attempt, dir, null);
    },

    async stop(ref: AttemptRef, status: TaskStatus, message: string) {
      const dir = attemptDir(ref);
      const request: StopRequest = { status, message, graceMs: options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS };
      await mkdir(dir, { recursive: true });
      await writeFile(attemptFile(dir, 'stop'), JSON.stringify(request));
      const pid = await readRuntimePid(dir);
      if (pid !== null && isRuntimeProcess(pid, dir)) {
        process.kill(pid, 'SIGTERM');
        return;
      }
      if (isAlive(dir, pid)) return; // just spawned: it reads stop.json before starting anything
      // No runtime to tell: record the requested end ourselves unless the attempt already ended.
      if ((await finalReport(dir)) === null) {
        await appendReport(dir, { status, exitCode: null, message, at: new Date().toISOString() });
      }
      if (!tails.has(dir)) follow(ref, dir, pid);
    },

    async recover(attempts: readonly AttemptRef[]) {
      for (const ref of attempts) {
        const dir = attemptDir(ref);
        await mkdir(dir, { recursive: true });
        const pid = await readRuntimePid(dir);
        if (!isAlive(dir, pid) && (await finalReport(dir)) === null) {
          await appendReport(dir, {
            status: 'FAILED_BACKEND_ERROR',
            exitCode: BACKEND_ERROR_EXIT_CODE,
            message: 'The task runtime is gone (the host or the service stopped while the task ran).',
            at: new Date().toISOString(),
          });
        }
        follow(ref, dir, pid); // replays logs from seq 0 and every report; the consumer drops repeats
      }
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

async function finalReport(dir: string): Promise<ReportRecord | null> {
  let text: string;
  try {
    text = await readFile(attemptFile(dir, 'reports'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  for (const line of text.split('\n')) {
    const record = parseRecordLine(ReportRecordSchema, line);
    if (record !== null && isTaskFinished(record.status)) return record;
  }
  return null;
}

const appendReport = (dir: string, record: ReportRecord): Promise<void> =>
  appendFile(attemptFile(dir, 'reports'), `${JSON.stringify(record)}\n`);
