// The backend's view of its pods: a list, then a watch resumed from the list's resource version, and a
// fresh list (a resync) every so often or whenever the API says the version is too old (HTTP 410).
import type { V1Pod } from '@kubernetes/client-node';
import type { ClusterClient } from './cluster-client.js';

export interface PodWatchOptions {
  readonly client: ClusterClient;
  readonly labelSelector: string;
  /** Every pod as listed or as changed; `deleted` when the API removed it. */
  readonly onPod: (pod: V1Pod, deleted: boolean) => void;
  /** After each full list, with every pod in it (clean-up of what nobody follows). */
  readonly onResync: (pods: readonly V1Pod[]) => void;
  readonly onError: (err: unknown) => void;
  /** Upstream resyncs every 300 s. */
  readonly resyncMs: number;
  /** How long to wait before listing again after the API failed. */
  readonly retryMs: number;
}

export class PodWatch {
  private closed = false;
  private current: AbortController | null = null;
  private wake: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private listDue = false;
  /** Full lists so far (what the tests read). */
  resyncs = 0;

  constructor(private readonly options: PodWatchOptions) {}

  start(): void {
    this.running ??= this.loop();
  }

  /** Lists again now instead of at the next resync. */
  resyncNow(): void {
    this.listDue = true;
    this.current?.abort();
    this.wake?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.current?.abort();
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      try {
        this.listDue = false;
        const { pods, resourceVersion } = await this.options.client.listPods(this.options.labelSelector);
        this.resyncs += 1;
        for (const pod of pods) this.options.onPod(pod, false);
        this.options.onResync(pods);
        const deadline = Date.now() + this.options.resyncMs;
        let version = resourceVersion;
        while (!this.closed && !this.listDue && Date.now() < deadline) {
          const next = await this.watchOnce(version, deadline);
          if (next === null) break; // too old: list again
          version = next;
        }
      } catch (err) {
        if (this.closed) return;
        this.options.onError(err);
        await this.sleep(this.options.retryMs);
      }
    }
  }

  /** One watch request; the version to resume from, or null when the API wants a fresh list. */
  private async watchOnce(version: string, deadline: number): Promise<string | null> {
    let resume: string | null = version;
    let failure: unknown = null;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.current?.abort(), Math.max(0, deadline - Date.now()));
      timer.unref();
      const finish = (err: unknown): void => {
        clearTimeout(timer);
        failure = err;
        resolve();
      };
      this.options.client
        .watchPods(
          this.options.labelSelector,
          version,
          (event) => {
            if (event.type === 'ERROR') {
              if (event.code === 410) resume = null;
              return;
            }
            const seen = event.pod.metadata?.resourceVersion;
            if (seen !== undefined && resume !== null) resume = seen;
            if (event.type !== 'BOOKMARK') this.options.onPod(event.pod, event.type === 'DELETED');
          },
          finish,
        )
        .then((controller) => {
          this.current = controller;
          if (this.closed) controller.abort();
        }, finish);
    });
    this.current = null;
    const code = (failure as { statusCode?: unknown } | null)?.statusCode;
    if (code === 410) return null;
    // An aborted watch (closing, resync due) ends quietly; any other failure is told, then resumed.
    if (failure !== null && !this.closed && !isAbort(failure)) {
      this.options.onError(failure);
      await this.sleep(this.options.retryMs);
    }
    return resume;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

const isAbort = (err: unknown): boolean => {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
};
