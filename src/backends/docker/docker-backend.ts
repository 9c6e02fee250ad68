// The container backend: each attempt is a container on a Docker-Engine-compatible API.
import { mkdir, readFile, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { Backend, NodeInventory } from '../backend.js';
import {
  type AttemptLaunch,
  type AttemptRef,
  type AttemptReport,
  CONTAINER_TASK_PATHS,
  serverError,
} from '../../core/index.js';
import { attemptDirectory, backendLost, ReportListeners } from '../attempt-reports.js';
import { attemptFile, hostPathOf, hostTaskPaths } from '../../runtime/index.js';
import { AttemptRun, CONTAINER_ID_FILE, readRecordedEnd, type AttemptRunOptions } from './attempt-run.js';
import { containerName, LABELS, networkName, taskHostName, type GpuExposure } from './container-spec.js';
import { closeEngine, errorText, openEngine, pingEngine } from './engine-client.js';
import { detectCgroupLayout } from './oom-watch.js';
import { openContainerTerminal } from './task-terminal.js';

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
  /** Between SIGTERM and SIGKILL of a stopped container (upstream's 30 s by default). */
  readonly stopGraceMs?: number;
  readonly keepContainers?: boolean;
  /** Group networks without a route out: containers reach only each other. */
  readonly isolateNetworks?: boolean;
  /** Host directories `file://` inputs and outputs may name; none by default. */
  readonly fileUrlRoots?: readonly string[];
  /**
   * Told of failures of an attempt's engine calls or of a listener, with the attempt they concern
   * (the attempt itself ends with a status saying so); by default a process warning.
   */
  readonly onError?: (err: unknown, ref: AttemptRef | null) => void;
}

export interface DockerBackend extends Backend {
  readonly kind: 'docker';
  taskHost(ref: AttemptRef, taskName: string): string;
  /** The directory holding an attempt's host-side files. */
  attemptDir(ref: AttemptRef): string;
}

const keyOf = (ref: AttemptRef): string => `${ref.workflowId}/${ref.taskName}/${ref.retryId}`;

export function createDockerBackend(options: DockerBackendOptions): DockerBackend {
  const engine = openEngine(options.host);
  const backendId = options.backendId ?? 'docker';
  const cgroups = detectCgroupLayout(options.host);
  const runs = new Map<string, AttemptRun>();
  // An error of one attempt is that attempt's failure, never the host process's: no default rethrows.
  const onError =
    options.onError ??
    ((err: unknown) => process.emitWarning(err instanceof Error ? err : new Error(String(err))));
  const listeners = new ReportListeners(onError);

  // Their logs arrive as the engine streams them: nothing to hold back, so nothing waits.
  const emit = (report: AttemptReport): void => void listeners.emit(report);

  const attemptDir = (ref: AttemptRef): string => attemptDirectory(options.workRoot, ref);

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
    fileUrlRoots: options.fileUrlRoots ?? [],
    cgroups,
    emit,
    onError: (err: unknown) => onError(err, ref),
    isGroupActive: () =>
      [...runs.values()].some(
        (run) => run.ref.groupUuid === ref.groupUuid && keyOf(run.ref) !== keyOf(ref) && !run.hasEnded,
      ),
  });

  const track = (run: AttemptRun, work: Promise<void>): void => {
    const key = keyOf(run.ref);
    runs.set(key, run);
    // A run turns its own failures into a final status; one that escapes still ends the attempt.
    void work
      .catch((err: unknown) => {
        onError(err, run.ref);
        lost(run.ref, `The container backend failed: ${errorText(err)}`);
      })
      .finally(() => {
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

  const lost = (ref: AttemptRef, message: string): void => emit(backendLost(ref, message));

  /**
   * Re-attaches one attempt, replays its recorded end, or reports it lost; true when its container
   * never ran (never created, or created and never started): it is then cleared away to be launched again.
   */
  const recoverOne = async (ref: AttemptRef): Promise<boolean> => {
    const recorded = await readRecordedEnd(attemptDir(ref));
    if (recorded !== null) {
      emit({ kind: 'status', ref, ...recorded, at: new Date() });
      return false;
    }
    const launch = await readLaunch(ref);
    const run = launch === null ? null : new AttemptRun(launch, runOptions(ref));
    const [found] = await containersOf(ref);
    const created = await readFile(join(attemptDir(ref), CONTAINER_ID_FILE), 'utf8').then(
      () => true,
      (err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw err;
      },
    );
    if (found === undefined ? !created : found.State === 'created') {
      if (found !== undefined) await engine.getContainer(found.Id).remove({ force: true });
      // A fresh attempt directory, as a new launch gets: nothing of the interrupted one ran.
      await rm(attemptDir(ref), { recursive: true, force: true });
      return true;
    }
    if (found === undefined) {
      lost(ref, 'The task container is gone (the engine or the service stopped while the task ran).');
    } else if (run === null) {
      // Nothing could follow it any more: it must not run on unobserved.
      await engine.getContainer(found.Id).remove({ force: true });
      lost(ref, 'The attempt description is gone, so its container cannot be followed.');
    } else {
      track(run, run.follow(engine.getContainer(found.Id)));
    }
    return false;
  };

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

    // The container's address on its group network, which the engine's host routes to (a Linux
    // bridge); the task's server must listen on all interfaces, not only the container's loopback.
    async taskAddress(ref) {
      const info = await engine.getContainer(containerName(ref)).inspect();
      const address = info.NetworkSettings.Networks[networkName(ref.groupUuid)]?.IPAddress ?? '';
      if (address === '') throw serverError(`Task ${ref.taskName} has no address on its group network`);
      return address;
    },

    // The output and workspace directories are bind mounts of the attempt's host directories.
    async taskHostPath(ref, taskPath) {
      return hostPathOf(taskPath, hostTaskPaths(attemptDir(ref)), CONTAINER_TASK_PATHS);
    },

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
      // A task's data (inputs, outputs, its work directory) lives in bind mounts under the work root,
      // so that filesystem is the node's storage, as the process backend measures it.
      // The work root may not exist before the first attempt: its file system is the same once it does.
      await mkdir(options.workRoot, { recursive: true });
      const disk = await statfs(options.workRoot);
      return [
        {
          name: options.nodeName ?? info.Name ?? options.host,
          cpu: info.NCPU ?? 1,
          memoryBytes: info.MemTotal ?? 0,
          storageBytes: disk.blocks * disk.bsize,
          gpu: options.gpus ?? 0,
          labels: { ...engineLabels, ...(options.labels ?? {}) },
        } satisfies NodeInventory,
      ];
    },

    taskHost: taskHostName,
    mountsHostPaths: true,

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
      try {
        const run = runs.get(keyOf(ref));
        if (run !== undefined) return await run.stop(status, message);
        const [found] = await containersOf(ref);
        const launch = await readLaunch(ref);
        if (found !== undefined && launch !== null) {
          const adopted = new AttemptRun(launch, runOptions(ref));
          track(adopted, adopted.follow(engine.getContainer(found.Id)));
          await adopted.stop(status, message);
          return;
        }
      } catch (err) {
        // The engine did not take the stop: the attempt still ends as asked, and the failure is told.
        onError(err, ref);
      }
      emit({ kind: 'status', ref, status, exitCode: null, message, at: new Date() });
    },

    async recover(attempts) {
      const known = new Set(attempts.map(keyOf));
      const unstarted: AttemptRef[] = [];
      for (const ref of attempts) {
        // One this backend still follows reports on by itself; one that has just ended is replayed.
        if (runs.get(keyOf(ref))?.hasEnded === false) continue;
        try {
          if (await recoverOne(ref)) unstarted.push(ref);
        } catch (err) {
          // One attempt the engine cannot answer for must not keep the others, or the service, from starting.
          onError(err, ref);
          lost(ref, `The service could not recover the task after a restart (${errorText(err)}).`);
        }
      }
      // Containers of this backend that no attempt claims are left-overs of a crash: clean them up.
      const leftOvers = await containersOf(null).catch((err: unknown) => {
        onError(err, null);
        return [];
      });
      for (const c of leftOvers) {
        const l = c.Labels;
        const key = `${l[LABELS.workflowId] ?? ''}/${l[LABELS.taskName] ?? ''}/${l[LABELS.retryId] ?? ''}`;
        if (!known.has(key) && !runs.has(key)) {
          await engine
            .getContainer(c.Id)
            .remove({ force: true })
            .catch((err: unknown) => onError(err, null));
        }
      }
      return unstarted;
    },

    openTerminal: (ref, request) => openContainerTerminal(engine, ref, request),

    observe: (listener) => listeners.add(listener),

    async close() {
      // Containers keep running: the service may only be restarting, and recover() re-attaches.
      listeners.clear();
      for (const run of runs.values()) run.detach();
      // Pooled keep-alive sockets and followed log streams would otherwise keep the process alive.
      closeEngine(engine);
    },
  };
}
