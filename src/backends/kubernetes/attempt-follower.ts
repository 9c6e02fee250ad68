// Follows one attempt's pod: its state from the watch, the runtime's reports and log lines from the pod
// log API, and decides the attempt's end once: the stop osmo asked for, else the runtime's own final
// report, else what the pod's state means (an image that never pulled, an eviction, a lost node).
import type { V1Pod } from '@kubernetes/client-node';
import {
  EXIT_CODES,
  isTaskFinished,
  type AttemptLogRecord,
  type AttemptRef,
  type AttemptReport,
  type TaskStatus,
} from '../../core/index.js';
import { parsePodLogLine } from './pod-log-lines.js';
import { podTaskStatus, type PodTaskStatus } from './pod-status.js';

/** Log lines are reported at least this often, or once this many are waiting. */
const LOG_BATCH_MS = 20;
const LOG_BATCH_LINES = 5_000;
/** A log stream that broke while its container still runs is opened again after this long. */
const LOG_REOPEN_MS = 1_000;
const MAX_LOG_REOPENS = 20;
/** How long the end of a finished pod waits for its log stream to drain. */
const LOG_DRAIN_MS = 10_000;

export interface FollowerDeps {
  readonly emit: (report: AttemptReport) => void;
  /** Streams the container's log from its start; resolves when the stream ended. */
  readonly streamLog: (onChunk: (text: string) => void, signal: AbortSignal) => Promise<void>;
  /** Told the end before it is reported (to record it on the pod); a failure there is told, not fatal. */
  readonly recordEnd: (end: PodTaskStatus) => Promise<void>;
  /** `podLeft`: the pod still holds its containers (an image that never pulled) and must be deleted. */
  readonly onEnded: (podLeft: boolean) => void;
  readonly onError: (err: unknown) => void;
  readonly now: () => Date;
}

export interface StopIntent {
  readonly status: TaskStatus;
  readonly message: string;
}

const containerStarted = (pod: V1Pod): boolean =>
  (pod.status?.containerStatuses ?? []).some(
    (s) => s.state?.running !== undefined || s.state?.terminated !== undefined,
  );

/** Whether nothing of the pod runs any more, nor will: ended, or deleted with no container running. */
export function isPodDone(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return true;
  if (pod.metadata?.deletionTimestamp === undefined) return false;
  const all = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  return all.every((s) => s.state?.running === undefined);
}

export class AttemptFollower {
  private ended = false;
  private stopIntent: StopIntent | null = null;
  private runtimeReported = false;
  private runtimeFinal: PodTaskStatus | null = null;
  private lastStatus: TaskStatus | null = null;
  private seenSeq = -1;
  private partial = '';
  private pending: AttemptLogRecord[] = [];
  private batchTimer: NodeJS.Timeout | null = null;
  private logs: Promise<void> | null = null;
  private readonly abort = new AbortController();
  private latestPod: V1Pod | null = null;

  constructor(
    readonly ref: AttemptRef,
    private readonly deps: FollowerDeps,
  ) {}

  get hasEnded(): boolean {
    return this.ended;
  }

  get stopRequested(): StopIntent | null {
    return this.stopIntent;
  }

  /** Remembers the stop; the end follows once the pod has stopped (or right away, for a pod gone). */
  requestStop(intent: StopIntent): void {
    this.stopIntent ??= intent;
  }

  /** Ends the attempt now with the stop's status, whatever the pod does (it did not stop in time). */
  forceStop(): void {
    if (this.stopIntent !== null) void this.finish({ ...this.stopIntent, exitCode: null });
  }

  onPod(pod: V1Pod): void {
    if (this.ended) return;
    this.latestPod = pod;
    if (this.logs === null && containerStarted(pod)) this.followLogs();
    const derived = podTaskStatus(pod, this.deps.now());
    if (isPodDone(pod)) {
      void this.endAfterLogs(derived);
      return;
    }
    if (this.stopIntent !== null) return;
    if (isTaskFinished(derived.status)) {
      // The pod will never run the task (an image that does not pull, a preemption): it ends here.
      void this.finish(this.runtimeFinal ?? derived, this.runtimeFinal === null);
      return;
    }
    // Until the runtime speaks, the pod's own progress is the attempt's (scheduling, initializing).
    if (!this.runtimeReported && derived.status !== 'RUNNING') this.status(derived);
  }

  onDeleted(): void {
    if (this.ended) return;
    void this.endAfterLogs({
      status: 'FAILED_BACKEND_ERROR',
      exitCode: EXIT_CODES.BACKEND_ERROR,
      message: 'The task pod was deleted outside osmo.',
    });
  }

  /** Stops following without an end (the backend closes; a restarted service re-attaches). */
  detach(): void {
    this.ended = true;
    this.abort.abort();
    if (this.batchTimer !== null) clearTimeout(this.batchTimer);
  }

  private status(s: PodTaskStatus): void {
    if (s.status === this.lastStatus) return;
    this.lastStatus = s.status;
    this.deps.emit({ kind: 'status', ref: this.ref, ...s, at: this.deps.now() });
  }

  private async endAfterLogs(fromPod: PodTaskStatus): Promise<void> {
    if (this.stopIntent !== null) {
      await this.finish({ ...this.stopIntent, exitCode: null });
      return;
    }
    // The container's last lines (the runtime's final report among them) may still be in the stream.
    if (this.logs === null && containerStarted(this.latestPod ?? {})) this.followLogs();
    await Promise.race([this.logs, new Promise((resolve) => setTimeout(resolve, LOG_DRAIN_MS).unref())]);
    await this.finish(this.runtimeFinal ?? fromPod);
  }

  private followLogs(): void {
    this.logs = (async () => {
      for (let opened = 0; opened < MAX_LOG_REOPENS && !this.abort.signal.aborted; opened++) {
        try {
          await this.deps.streamLog((text) => this.onChunk(text), this.abort.signal);
        } catch (err) {
          this.deps.onError(err);
        }
        this.onChunk('\n'); // a last line without its newline
        if (this.runtimeFinal !== null || this.latestPod === null || isPodDone(this.latestPod)) return;
        // The stream broke while the container runs: open it again; replayed lines are skipped by seq.
        await new Promise((resolve) => setTimeout(resolve, LOG_REOPEN_MS).unref());
      }
    })();
  }

  private onChunk(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') continue;
      const parsed = parsePodLogLine(line);
      if (parsed === null) continue;
      if (parsed.osmo === 'log') {
        if (parsed.seq <= this.seenSeq) continue;
        this.seenSeq = parsed.seq;
        this.pending.push({
          seq: parsed.seq,
          time: new Date(parsed.time),
          ioType: parsed.ioType,
          text: parsed.text,
        });
        if (this.pending.length >= LOG_BATCH_LINES) this.flushLogs();
        else this.batchTimer ??= setTimeout(() => this.flushLogs(), LOG_BATCH_MS);
        continue;
      }
      this.flushLogs();
      this.runtimeReported = true;
      const report = { status: parsed.status, exitCode: parsed.exitCode, message: parsed.message };
      if (isTaskFinished(parsed.status)) {
        this.runtimeFinal ??= report;
        if (this.stopIntent === null) void this.finish(report);
      } else if (this.stopIntent === null) this.status(report);
    }
  }

  private flushLogs(): void {
    if (this.batchTimer !== null) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    if (this.pending.length === 0 || this.ended) return;
    const records = this.pending;
    this.pending = [];
    this.deps.emit({ kind: 'log', ref: this.ref, records });
  }

  /** `podLeft`: the end came from a pod that still holds its containers, which the backend deletes. */
  private async finish(end: PodTaskStatus, podLeft = false): Promise<void> {
    if (this.ended) return;
    this.flushLogs();
    this.ended = true;
    this.abort.abort();
    await this.deps.recordEnd(end).catch((err: unknown) => this.deps.onError(err));
    this.deps.emit({ kind: 'status', ref: this.ref, ...end, at: this.deps.now() });
    this.deps.onEnded(podLeft);
  }
}
