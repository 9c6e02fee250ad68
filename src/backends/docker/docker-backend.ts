// The container backend: each attempt is a container on a Docker-Engine-compatible API (execution.md §23, column b).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttemptLaunch, AttemptRef, AttemptReport, Backend, NodeInventory } from '../backend.js';
import { serverError } from '../../core/index.js';
import { attemptFile } from '../../runtime/index.js';
import { AttemptRun, BACKEND_ERROR_EXIT_CODE, type AttemptRunOptions } from './attempt-run.js';
import { LABELS, taskHostName, type GpuExposure } from './container-spec.js';
import { closeEngine, openEngine, pingEngine } from './engine-client.js';
import { detectCgroupLayout } from './oom-watch.js';

export interface DockerBackendOptions {
  /** The engine endpoint: `unix:///path/docker.sock`, `tcp://host:2375`. */
  readonly host: string;
  /** Attempt directories (bind-mounted into containers) live under `<workRoot>/attempts/...`. */
  readonly workRoot: string;
  /** Told apart on a shared engine by this label value (default `docker`). */
  readonly backendId?: string;
  /** The node's name (default: the engine's host name) and its labels (merged over the engine's). */
  readonly nodeName?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** GPUs the engine's host offers and how containers get them. */
  readonly gpus?: number;
  readonly gpuMode?: GpuExposure['mode'];
  /** `/dev/shm` size when the attempt names none (engines default to 64 MiB). */
  readonly shmSizeBytes?: number;
  /** Between SIGTERM and SIGKILL of a stopped container (execution.md §23.7: 30 s). */
  readonly stopGraceMs?: number;
  readonly keepContainers?: boolean;
  /** Group networks without a route out: containers reach only each other. */
  readonly isolateNetworks?: boolean;
  readonly onError?: (err: unknown) => void;
}

export interface DockerBackend extends Backend {
  readonly kind: 'docker';
  taskHost(ref: AttemptRef, taskName: string): string;
  /** The directory holding an attempt's host-side files. */
  attemptDir(ref: AttemptRef): string;
}

const SAFE_SEGMENT = /^[A-Za-z0-9._-]+$/;
const keyOf = (ref: AttemptRef): string => `${ref.workflowId}/${ref.taskName}/${ref.retryId}`;

export function createDockerBackend(options: DockerBackendOptions): DockerBackend {
  const engine = openEngine(options.host);
  const backendId = options.backendId ?? 'docker';
  const cgroups = detectCgroupLayout(options.host);
  const listeners = new Set<(report: AttemptReport) => void>();
  const runs = new Map<string, AttemptRun>();
  const onError =
    options.onError ??
    ((err: unknown) => {
      queueMicrotask(() => {
        throw err;
      });
    });

  const emit = (report: AttemptReport): void => {
    for (const listener of listeners) {
      try {
        listener(report);
      } catch (err) {
        onError(err);
      }
    }
  };

  const attemptDir = (ref: AttemptRef): string => {
    for (const segment of [ref.workflowId, ref.taskName]) {
      if (!SAFE_SEGMENT.test(segment))
        throw serverError(`Unsafe name for an attempt directory: "${segment}"`);
    }
    return join(options.workRoot, 'attempts', ref.workflowId, `${ref.taskName}-${ref.retryId}`);
  };

  const runOptions = (ref: AttemptRef): AttemptRunOptions => ({
    engine,
    attemptDir: attemptDir(ref),
    settings: {
      backendId,
      shmSizeBytes: options.shmSizeBytes ?? null,
      gpu: { mode: options.gpuMode ?? 'none' },
    },
    stopGraceMs: options.stopGraceMs ?? 30_000,
    keepContainers: options.keepContainers ?? false,
    isolateNetworks: options.isolateNetworks ?? false,
    cgroups,
    emit,
  });

  const track = (run: AttemptRun, work: Promise<void>): void => {
    const key = keyOf(run.ref);
    runs.set(key, run);
    void work.catch(onError).finally(() => {
      if (runs.get(key) === run) runs.delete(key);
    });
  };

  const containersOf = async (ref: AttemptRef | null) => {
    const label = [`${LABELS.managed}=true`, `${LABELS.backend}=${backendId}`];
    if (ref !== null) {
      label.push(`${LABELS.workflowUuid}=${ref.workflowUuid}`, `${LABELS.taskName}=${ref.taskName}`);
      label.push(`${LABELS.retryId}=${ref.retryId}`);
    }
    return (await engine.listContainers({ all: true, filters: { label } })).filter(
      (c) => c.Labels['osmo.probe'] === undefined,
    );
  };

  const lost = (ref: AttemptRef, message: string): void =>
    emit({
      kind: 'status',
      ref,
      status: 'FAILED_BACKEND_ERROR',
      exitCode: BACKEND_ERROR_EXIT_CODE,
      message,
      at: new Date(),
    });

  const readLaunch = async (ref: AttemptRef): Promise<AttemptLaunch | null> => {
    try {
      return JSON.parse(await readFile(attemptFile(attemptDir(ref), 'launch'), 'utf8')) as AttemptLaunch;
    } catch {
      return null;
    }
  };

  return {
    kind: 'docker',
    attemptDir,

    async nodes() {
      await pingEngine(engine, options.host);
      const info = (await engine.info()) as {
        Name?: string;
        NCPU?: number;
        MemTotal?: number;
        Labels?: string[];
      };
      const engineLabels = Object.fromEntries(
        (info.Labels ?? []).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      return [
        {
          name: options.nodeName ?? info.Name ?? options.host,
          cpu: info.NCPU ?? 1,
          memoryBytes: info.MemTotal ?? 0,
          storageBytes: 0,
          gpu: options.gpus ?? 0,
          labels: { ...engineLabels, ...(options.labels ?? {}) },
        } satisfies NodeInventory,
      ];
    },

    taskHost: taskHostName,

    async launch(attempt) {
      if (runs.has(keyOf(attempt))) {
        throw serverError(
          `Attempt ${attempt.taskName} retry ${attempt.retryId} of ${attempt.workflowId} was already launched`,
        );
      }
      const run = new AttemptRun(attempt, runOptions(attempt));
      track(run, run.run());
    },

    async stop(ref, status, message) {
      const run = runs.get(keyOf(ref));
      if (run !== undefined) return run.stop(status, message);
      const [found] = await containersOf(ref);
      const launch = await readLaunch(ref);
      if (found !== undefined && launch !== null) {
        const adopted = new AttemptRun(launch, runOptions(ref));
        track(adopted, adopted.follow(engine.getContainer(found.Id)));
        await adopted.stop(status, message);
        return;
      }
      emit({ kind: 'status', ref, status, exitCode: null, message, at: new Date() });
    },

    async recover(attempts) {
      const known = new Set(attempts.map(keyOf));
      for (const ref of attempts) {
        if (runs.has(keyOf(ref))) continue;
        const launch = await readLaunch(ref);
        if (launch === null) {
          lost(ref, 'The attempt was never started on this engine (the service stopped while launching it).');
          continue;
        }
        const run = new AttemptRun(launch, runOptions(ref));
        if (await run.replayRecordedEnd()) continue;
        const [found] = await containersOf(ref);
        if (found === undefined) {
          lost(ref, 'The task container is gone (the engine or the service stopped while the task ran).');
          continue;
        }
        track(run, run.follow(engine.getContainer(found.Id)));
      }
      // Containers of this backend that no attempt claims are left-overs of a crash: clean them up.
      for (const c of await containersOf(null)) {
        const l = c.Labels;
        const key = `${l[LABELS.workflowId] ?? ''}/${l[LABELS.taskName] ?? ''}/${l[LABELS.retryId] ?? ''}`;
        if (!known.has(key) && !runs.has(key)) {
          await engine.getContainer(c.Id).remove({ force: true }).catch(onError);
        }
      }
    },

    observe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close() {
      // Containers keep running: the service may only be restarting, and recover() re-attaches.
      listeners.clear();
      for (const run of runs.values()) run.detach();
      // Pooled keep-alive sockets and followed log streams would otherwise keep the process alive.
      closeEngine(engine);
    },
  };
}
