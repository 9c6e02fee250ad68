// The Kubernetes backend: each attempt a pod in the backend's namespace (with its group's secrets,
// PodGroup and headless service), followed through one pod watch with resync and the pod log API.
import type { V1Pod } from '@kubernetes/client-node';
import type { Backend } from '../backend.js';
import { backendLost, ReportListeners } from '../attempt-reports.js';
import {
  serverError,
  TASK_STATUSES,
  usageError,
  type AttemptLaunch,
  type AttemptRef,
  type AttemptReport,
  type TaskStatus,
} from '../../core/index.js';
import {
  attemptObjects,
  DEFAULT_PLACEMENT,
  type ClusterSettings,
  type PodPlacement,
  type SchedulerSettings,
} from './attempt-objects.js';
import { AttemptFollower, isPodDone, type StopIntent } from './attempt-follower.js';
import { ClusterClient, errorText, loadKubeConfig, type ClusterAccess } from './cluster-client.js';
import { nodeInventory } from './node-inventory.js';
import {
  ANNOTATIONS,
  LABELS,
  backendSelector,
  groupSelector,
  groupServiceName,
  labelValue,
  podGroupName,
  podName,
  taskDnsName,
  userContainerName,
} from './object-names.js';
import type { PodTaskStatus } from './pod-status.js';
import { PodWatch } from './pod-watch.js';
import { RequestBudget } from './request-budget.js';

export interface KubernetesBackendOptions {
  /** The backend's name: its pods carry it, so several backends may share a namespace. */
  readonly name?: string;
  /** A kubeconfig file (and context), the pod's in-cluster service account, or a loaded configuration. */
  readonly access: ClusterAccess;
  readonly namespace: string;
  /** An image with Node.js and osmo in it (the osmo image): `osmo-init` copies the runtime from it. */
  readonly runtimeImage: string;
  /** Where that image keeps osmo; `/app` in the osmo image. */
  readonly runtimeInstallDir?: string;
  /** Node.js in that image; `/usr/local/bin/node` in the osmo image. */
  readonly runtimeNodePath?: string;
  /** KAI (upstream's only scheduler, `kai-scheduler` by default) or the cluster's default scheduler. */
  readonly scheduler?: SchedulerSettings;
  /** Between SIGTERM and SIGKILL of a stopped pod (upstream's 30 s by default). */
  readonly stopGraceMs?: number;
  /** The pool, platform, rendered pod templates and user of an attempt; the default places it plainly. */
  readonly placementOf?: (launch: AttemptLaunch) => PodPlacement;
  /** Host directories mounted at the same path in every pod (local storage on a one-node cluster). */
  readonly sharedHostPaths?: readonly string[];
  /** The cluster's request budget; pass one to share it between backends of the same cluster. */
  readonly budget?: RequestBudget;
  /** How often the pod list is read again in full; upstream's 300 s by default. */
  readonly resyncMs?: number;
  /** How long a finished pod (and the end recorded on it) stays before it is deleted; 1 h by default. */
  readonly finishedPodTtlMs?: number;
  readonly onError?: (err: unknown, ref: AttemptRef | null) => void;
}

export interface KubernetesBackend extends Backend {
  readonly kind: 'kubernetes';
  readonly name: string;
  taskHost(ref: AttemptRef, taskName: string): string;
  /** Requests paid from the budget so far. */
  requestsMade(): number;
}

const DEFAULT_STOP_GRACE_MS = 30_000;
const DEFAULT_RESYNC_MS = 300_000;
const DEFAULT_FINISHED_POD_TTL_MS = 3_600_000;
const WATCH_RETRY_MS = 3_000;
/** A stopped pod that did not go in its grace and this long after is reported stopped anyway. */
const STOP_FALLBACK_MS = 15_000;
/** How long a launch waits for a finished pod of an earlier retry (same name) to go. */
const OLD_POD_WAIT_MS = 30_000;

const keyOf = (ref: AttemptRef): string => `${ref.workflowId}/${ref.taskName}/${ref.retryId}`;

/** The end recorded on a pod, and when; null for none (or an annotation someone else wrote). */
const recordedEnd = (value: string | undefined): (PodTaskStatus & { at: number }) | null => {
  if (value === undefined) return null;
  try {
    const parsed = JSON.parse(value) as {
      status?: unknown;
      exitCode?: unknown;
      message?: unknown;
      at?: unknown;
    };
    if (!TASK_STATUSES.includes(parsed.status as TaskStatus)) return null;
    return {
      status: parsed.status as TaskStatus,
      exitCode: typeof parsed.exitCode === 'number' ? parsed.exitCode : null,
      message: typeof parsed.message === 'string' ? parsed.message : null,
      at: typeof parsed.at === 'string' ? Date.parse(parsed.at) : NaN,
    };
  } catch {
    return null; // not JSON: not an end this backend recorded
  }
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Settings the API would refuse later, on every launch, are refused here, naming the setting. */
function checkOptions(options: KubernetesBackendOptions, name: string): void {
  if (!DNS_LABEL.test(options.namespace)) {
    throw usageError(`Kubernetes backend ${name}: namespace "${options.namespace}" is not a DNS label`);
  }
  if (options.runtimeImage.trim() === '')
    throw usageError(`Kubernetes backend ${name}: runtimeImage is empty`);
  if (labelValue(name) !== name || name === '') {
    throw usageError(`Kubernetes backend name "${name}" is not a valid label value`);
  }
  if (options.stopGraceMs !== undefined && !(options.stopGraceMs >= 0)) {
    throw usageError(`Kubernetes backend ${name}: stopGraceMs must be 0 or more`);
  }
}

export function createKubernetesBackend(options: KubernetesBackendOptions): KubernetesBackend {
  const name = options.name ?? 'kubernetes';
  checkOptions(options, name);
  const budget = options.budget ?? new RequestBudget();
  const client = new ClusterClient(loadKubeConfig(options.access), options.namespace, budget);
  const stopGraceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  const cluster: ClusterSettings = {
    namespace: options.namespace,
    backendName: name,
    runtimeImage: options.runtimeImage,
    runtimeInstallDir: options.runtimeInstallDir ?? '/app',
    runtimeNodePath: options.runtimeNodePath ?? '/usr/local/bin/node',
    scheduler: options.scheduler ?? { kind: 'kai', name: 'kai-scheduler' },
    stopGraceSeconds: Math.ceil(stopGraceMs / 1000),
    sharedHostPaths: options.sharedHostPaths ?? [],
  };
  const onError =
    options.onError ??
    ((err: unknown) => process.emitWarning(err instanceof Error ? err : new Error(String(err))));
  const listeners = new ReportListeners(onError);
  // Their logs arrive as the engine streams them: nothing to hold back, so nothing waits.
  const emit = (report: AttemptReport): void => void listeners.emit(report);
  /** Followed attempts by key, and by pod name (one pod name per task, whatever the retry). */
  const followers = new Map<string, AttemptFollower>();
  const byPod = new Map<string, AttemptFollower>();
  const stopTimers = new Set<NodeJS.Timeout>();
  const ttlMs = options.finishedPodTtlMs ?? DEFAULT_FINISHED_POD_TTL_MS;
  let closed = false;

  const retryOf = (pod: V1Pod): number => Number(pod.metadata?.labels?.[LABELS.retryId] ?? -1);

  const watch = new PodWatch({
    client,
    labelSelector: backendSelector(name),
    resyncMs: options.resyncMs ?? DEFAULT_RESYNC_MS,
    retryMs: WATCH_RETRY_MS,
    onError: (err) => onError(err, null),
    onPod: (pod, deleted) => {
      const follower = byPod.get(pod.metadata?.name ?? '');
      if (follower === undefined || retryOf(pod) !== follower.ref.retryId) return;
      if (deleted) follower.onDeleted();
      else follower.onPod(pod);
    },
    onResync: (pods) => void removeExpired(pods).catch((err: unknown) => onError(err, null)),
  });

  /** Deletes finished pods nobody follows once their recorded end is older than the TTL. */
  const removeExpired = async (pods: readonly V1Pod[]): Promise<void> => {
    for (const pod of pods) {
      const podName = pod.metadata?.name ?? '';
      if (byPod.has(podName)) continue;
      const at = recordedEnd(pod.metadata?.annotations?.[ANNOTATIONS.end])?.at ?? NaN;
      if (Number.isFinite(at) && Date.now() - at > ttlMs) await removePod(podName);
    }
  };

  /** Lets a pod go: its finalizer off, then deleted at once. */
  const removePod = async (pod: string): Promise<void> => {
    await client.patchPod(pod, { metadata: { finalizers: null } });
    await client.deletePod(pod, 0);
  };

  const follow = (ref: AttemptRef): AttemptFollower => {
    const pod = podName(ref);
    const container = userContainerName(ref.taskName);
    const follower: AttemptFollower = new AttemptFollower(ref, {
      emit,
      now: () => new Date(),
      onError: (err) => onError(err, ref),
      streamLog: (onChunk, signal) => client.streamLog(pod, container, onChunk, signal),
      recordEnd: (end) =>
        client.patchPod(pod, {
          metadata: {
            annotations: { [ANNOTATIONS.end]: JSON.stringify({ ...end, at: new Date().toISOString() }) },
          },
        }),
      onEnded: (podLeft) => {
        if (followers.get(keyOf(ref)) === follower) followers.delete(keyOf(ref));
        if (byPod.get(pod) === follower) byPod.delete(pod);
        // Its finalizer keeps the pod (and the end recorded on it) until the finished-pod TTL.
        const leaving = podLeft ? client.deletePod(pod, 0) : Promise.resolve();
        void leaving.then(() => cleanUpGroup(ref)).catch((err: unknown) => onError(err, ref));
      },
    });
    followers.set(keyOf(ref), follower);
    byPod.set(pod, follower);
    watch.start();
    return follower;
  };

  /** The group's own objects go once none of its attempts runs here any more. */
  const cleanUpGroup = async (ref: AttemptRef): Promise<void> => {
    if ([...followers.values()].some((f) => f.ref.groupUuid === ref.groupUuid)) return;
    await client.deleteGroupObjects(
      groupSelector(ref.groupUuid, name),
      groupServiceName(ref.groupUuid),
      cluster.scheduler.kind === 'kai' ? podGroupName(ref.groupUuid) : null,
    );
  };

  /** Makes room for a new retry: the earlier retry's pod (same name) must be gone first. */
  const replaceOldPod = async (launch: AttemptLaunch, pod: string): Promise<void> => {
    const existing = await client.readPod(pod);
    if (existing === null) return;
    if (retryOf(existing) >= launch.retryId) {
      throw serverError(
        `Attempt ${launch.taskName} retry ${launch.retryId} of ${launch.workflowId} was already launched`,
      );
    }
    await removePod(pod);
    const deadline = Date.now() + OLD_POD_WAIT_MS;
    while ((await client.readPod(pod)) !== null) {
      if (Date.now() > deadline) throw serverError(`The pod ${pod} of an earlier retry did not go in time`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };

  const launchObjects = async (launch: AttemptLaunch): Promise<void> => {
    const objects = attemptObjects(launch, options.placementOf?.(launch) ?? DEFAULT_PLACEMENT, cluster);
    for (const secret of objects.secrets) await client.ensureSecret(secret);
    if (objects.podGroup !== null) await client.ensurePodGroup(objects.podGroup);
    const pod = objects.pod.metadata?.name ?? podName(launch);
    if (!(await client.createPod(objects.pod))) {
      await replaceOldPod(launch, pod);
      if (!(await client.createPod(objects.pod))) throw serverError(`The pod ${pod} exists already`);
    }
    if (objects.service !== null) await client.ensureService(objects.service);
  };

  return {
    kind: 'kubernetes',
    name,
    mountsHostPaths: true,
    requestsMade: () => budget.taken,

    taskHost: (ref, taskName) => taskDnsName(ref.groupUuid, taskName, options.namespace),

    async nodes() {
      return nodeInventory(await client.listNodes());
    },

    async launch(attempt) {
      if (closed) throw serverError('The Kubernetes backend is closed');
      if (followers.has(keyOf(attempt))) {
        throw serverError(
          `Attempt ${attempt.taskName} retry ${attempt.retryId} of ${attempt.workflowId} was already launched`,
        );
      }
      const follower = follow(attempt);
      try {
        await launchObjects(attempt);
      } catch (err) {
        // The pod never came: the attempt ends with why, and nothing of it is left to follow.
        follower.detach();
        followers.delete(keyOf(attempt));
        byPod.delete(podName(attempt));
        onError(err, attempt);
        emit(backendLost(attempt, `The Kubernetes API refused the task: ${errorText(err)}`));
        await cleanUpGroup(attempt).catch((e: unknown) => onError(e, attempt));
        return;
      }
      // Stopped while its objects were being created: the stop found no pod to delete, so it goes now.
      if (follower.stopRequested !== null) await client.deletePod(podName(attempt), cluster.stopGraceSeconds);
    },

    async stop(ref, status, message) {
      const intent: StopIntent = { status, message };
      let follower = followers.get(keyOf(ref));
      try {
        if (follower === undefined) {
          const pod = await client.readPod(podName(ref));
          if (pod === null || retryOf(pod) !== ref.retryId || isPodDone(pod)) {
            emit({ kind: 'status', ref, status, exitCode: null, message, at: new Date() });
            return;
          }
          follower = follow(ref);
        }
        follower.requestStop(intent);
        await client.patchPod(podName(ref), {
          metadata: { annotations: { [ANNOTATIONS.stop]: JSON.stringify(intent) } },
        });
        await client.deletePod(podName(ref), cluster.stopGraceSeconds);
      } catch (err) {
        // The API did not take the stop: the attempt still ends as asked, and the failure is told.
        onError(err, ref);
        follower?.forceStop();
        if (follower === undefined)
          emit({ kind: 'status', ref, status, exitCode: null, message, at: new Date() });
        return;
      }
      const stopping = follower;
      const timer = setTimeout(() => {
        stopTimers.delete(timer);
        stopping.forceStop();
      }, stopGraceMs + STOP_FALLBACK_MS);
      timer.unref();
      stopTimers.add(timer);
    },

    async recover(attempts) {
      const unstarted: AttemptRef[] = [];
      for (const ref of attempts) {
        if (followers.has(keyOf(ref))) continue;
        try {
          const pod = await client.readPod(podName(ref));
          if (pod === null || retryOf(pod) < ref.retryId) {
            unstarted.push(ref);
            continue;
          }
          const recorded = recordedEnd(pod.metadata?.annotations?.[ANNOTATIONS.end]);
          if (recorded !== null) {
            const { status, exitCode, message } = recorded;
            emit({ kind: 'status', ref, status, exitCode, message, at: new Date() });
            continue;
          }
          const follower = follow(ref);
          const stop = pod.metadata?.annotations?.[ANNOTATIONS.stop];
          if (stop !== undefined) follower.requestStop(JSON.parse(stop) as StopIntent);
          // Logs are replayed from seq 0 as the stream starts from the container's first line.
          follower.onPod(pod);
        } catch (err) {
          onError(err, ref);
          emit(
            backendLost(ref, `The service could not recover the task after a restart (${errorText(err)}).`),
          );
        }
      }
      return unstarted;
    },

    observe: (listener) => listeners.add(listener),

    async close() {
      // Pods keep running: the service may only be restarting, and recover() re-attaches.
      closed = true;
      for (const timer of stopTimers) clearTimeout(timer);
      stopTimers.clear();
      for (const follower of followers.values()) follower.detach();
      followers.clear();
      byPod.clear();
      listeners.clear();
      await watch.close();
    },
  };
}
