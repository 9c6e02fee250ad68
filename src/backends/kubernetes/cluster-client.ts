// The few API calls the backend makes, over @kubernetes/client-node, each paid for from the cluster's
// request budget. Native types stay in this folder; the backend above sees verbs.
import { Writable } from 'node:stream';
import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  Log,
  PatchStrategy,
  Watch,
  setHeaderOptions,
  type V1Node,
  type V1Pod,
  type V1Secret,
  type V1Service,
} from '@kubernetes/client-node';
import { PODGROUP_API, type PodGroupObject } from './attempt-objects.js';
import type { RequestBudget } from './request-budget.js';

/** How the backend reaches its cluster. */
export type ClusterAccess =
  | { readonly kind: 'kubeconfig'; readonly path: string; readonly context?: string }
  | { readonly kind: 'in-cluster' }
  /** An already loaded configuration (tests, or a caller that builds one itself). */
  | { readonly kind: 'config'; readonly config: KubeConfig };

/** A watch is asked to end after this long, then resumed from its last resource version. */
export const WATCH_TIMEOUT_SECONDS = 60;

export function loadKubeConfig(access: ClusterAccess): KubeConfig {
  if (access.kind === 'config') return access.config;
  const config = new KubeConfig();
  if (access.kind === 'in-cluster') config.loadFromCluster();
  else {
    config.loadFromFile(access.path);
    if (access.context !== undefined) config.setCurrentContext(access.context);
  }
  if (config.getCurrentCluster() === null) throw new Error('The Kubernetes configuration names no cluster');
  return config;
}

/** The HTTP status of a failed API call; null for a failure that never got an answer. */
export function statusOf(err: unknown): number | null {
  if (err instanceof ApiException) return err.code;
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : null;
}

export const errorText = (err: unknown): string => {
  if (err instanceof ApiException) {
    const body = err.body as { message?: unknown } | string | undefined;
    const said = typeof body === 'string' ? body : typeof body?.message === 'string' ? body.message : '';
    return `HTTP ${err.code}${said === '' ? '' : `: ${said}`}`;
  }
  return err instanceof Error ? err.message : String(err);
};

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export type WatchEvent =
  | { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; readonly pod: V1Pod }
  | {
      readonly type: 'ERROR';
      readonly code: number | null;
    };

export class ClusterClient {
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly watcher: Watch;
  private readonly logs: Log;

  constructor(
    config: KubeConfig,
    readonly namespace: string,
    private readonly budget: RequestBudget,
  ) {
    this.core = config.makeApiClient(CoreV1Api);
    this.custom = config.makeApiClient(CustomObjectsApi);
    this.watcher = new Watch(config);
    this.logs = new Log(config);
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    await this.budget.take();
    return request();
  }

  /** Creates an object; one that exists already counts as created (the call is repeated after a restart). */
  private async ensure(request: () => Promise<unknown>): Promise<void> {
    try {
      await this.call(request);
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
    }
  }

  private async ignoreMissing(request: () => Promise<unknown>): Promise<void> {
    try {
      await this.call(request);
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }

  ensureSecret(body: V1Secret): Promise<void> {
    return this.ensure(() => this.core.createNamespacedSecret({ namespace: this.namespace, body }));
  }

  ensureService(body: V1Service): Promise<void> {
    return this.ensure(() => this.core.createNamespacedService({ namespace: this.namespace, body }));
  }

  ensurePodGroup(body: PodGroupObject): Promise<void> {
    return this.ensure(() =>
      this.custom.createNamespacedCustomObject({ ...PODGROUP_API, namespace: this.namespace, body }),
    );
  }

  /** Creates the pod; false when a pod of that name exists already. */
  async createPod(body: V1Pod): Promise<boolean> {
    try {
      await this.call(() => this.core.createNamespacedPod({ namespace: this.namespace, body }));
      return true;
    } catch (err) {
      if (statusOf(err) === 409) return false;
      throw err;
    }
  }

  /** The pod, or null when there is none of that name. */
  async readPod(name: string): Promise<V1Pod | null> {
    try {
      return await this.call(() => this.core.readNamespacedPod({ name, namespace: this.namespace }));
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  patchPod(name: string, patch: object): Promise<void> {
    return this.ignoreMissing(() =>
      this.core.patchNamespacedPod({ name, namespace: this.namespace, body: patch }, MERGE_PATCH),
    );
  }

  deletePod(name: string, gracePeriodSeconds: number): Promise<void> {
    return this.ignoreMissing(() =>
      this.core.deleteNamespacedPod({ name, namespace: this.namespace, gracePeriodSeconds }),
    );
  }

  async listPods(labelSelector: string): Promise<{ pods: V1Pod[]; resourceVersion: string }> {
    const list = await this.call(() =>
      this.core.listNamespacedPod({ namespace: this.namespace, labelSelector }),
    );
    return { pods: list.items, resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  async listNodes(): Promise<V1Node[]> {
    return (await this.call(() => this.core.listNode())).items;
  }

  /** Deletes the group's objects: its service and PodGroup by name, its secrets by label. */
  async deleteGroupObjects(selector: string, serviceName: string | null, podGroupName: string | null) {
    if (serviceName !== null)
      await this.ignoreMissing(() =>
        this.core.deleteNamespacedService({ name: serviceName, namespace: this.namespace }),
      );
    if (podGroupName !== null)
      await this.ignoreMissing(() =>
        this.custom.deleteNamespacedCustomObject({
          ...PODGROUP_API,
          namespace: this.namespace,
          name: podGroupName,
        }),
      );
    await this.call(() =>
      this.core.deleteCollectionNamespacedSecret({ namespace: this.namespace, labelSelector: selector }),
    );
  }

  /** Watches the pods from `resourceVersion`; `done` is told once the watch ended, why in its argument. */
  async watchPods(
    labelSelector: string,
    resourceVersion: string,
    onEvent: (event: WatchEvent) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    await this.budget.take();
    return this.watcher.watch(
      `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/pods`,
      { labelSelector, resourceVersion, allowWatchBookmarks: true, timeoutSeconds: WATCH_TIMEOUT_SECONDS },
      (type: string, object: unknown) => {
        if (type === 'ERROR') {
          const code = (object as { code?: unknown } | null)?.code;
          onEvent({ type: 'ERROR', code: typeof code === 'number' ? code : null });
        } else if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED' || type === 'BOOKMARK') {
          onEvent({ type, pod: object as V1Pod });
        }
      },
      done,
    );
  }

  /**
   * Streams a container's log into `onChunk` (following it while the container runs); resolves when
   * the stream ended or `signal` aborted it, rejects when it could not be opened.
   */
  async streamLog(pod: string, container: string, onChunk: (text: string) => void, signal: AbortSignal) {
    await this.budget.take();
    return new Promise<void>((resolve, reject) => {
      const sink = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          onChunk(chunk.toString('utf8'));
          callback();
        },
      });
      // The client pipes the response into the sink: its end is the sink's finish.
      sink.on('finish', () => resolve());
      let abort: AbortController | null = null;
      signal.addEventListener(
        'abort',
        () => {
          abort?.abort();
          resolve();
        },
        { once: true },
      );
      this.logs.log(this.namespace, pod, container, sink, { follow: true }).then((controller) => {
        abort = controller;
        if (signal.aborted) controller.abort();
      }, reject);
    });
  }
}
