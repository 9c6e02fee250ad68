// A small pool of worker threads for spec work (Jinja, YAML, schema), so one heavy spec never holds the
// event loop that serves every other request and drives the engine.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { OsmoError, serverError, usageError } from '../core/index.js';
import type { ParseOptions, WorkflowSpec } from '../spec/index.js';
import type { DryRunResult, JobReply, SpecJob, SpecWork } from './spec-jobs.js';
import { decodeError, jobChars } from './spec-jobs.js';

/** A 1 MiB spec takes under 3 s on a busy core; ten times a normal worst case is a spec built to hurt. */
export const DEFAULT_JOB_TIME_LIMIT_MS = 10_000;
/** Loading a 1 MiB spec peaks near 150 MiB of heap. */
export const DEFAULT_WORKER_HEAP_MB = 512;
/** Bursts of small specs queue freely; what queues is bounded by count and by size. */
export const DEFAULT_MAX_QUEUED_JOBS = 256;
export const DEFAULT_MAX_QUEUED_CHARS = 8 * 1024 * 1024;
const RESPAWN_DELAY_MS = 1000;

export interface SpecPoolOptions {
  readonly workers?: number;
  readonly maxQueuedJobs?: number;
  readonly maxQueuedChars?: number;
  readonly jobTimeLimitMs?: number;
  readonly workerHeapMb?: number;
}

/**
 * One core stays with the event loop. Specs are as wide as the workflow config's `max_num_tasks`
 * allows: a 10,000-task spec (about 0.5 MB) takes 2 to 5 s on a busy core and checks in under
 * 96 MiB of heap, within the limits above, so a few workers still serve a burst of them in turn.
 */
export const defaultWorkerCount = (): number => Math.max(1, Math.min(4, availableParallelism() - 1));

interface Pending {
  readonly job: SpecJob;
  readonly chars: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  /** False between an unexpected exit and the replacement, which waits a moment so a broken build cannot spin. */
  alive: boolean;
  running: { readonly id: number; readonly pending: Pending; readonly timer: NodeJS.Timeout } | null;
}

const WORKER_ENTRY = new URL('./spec-worker.js', import.meta.url);

export class SpecPool implements SpecWork {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private queuedChars = 0;
  private nextId = 1;
  private closed = false;
  private readonly maxQueuedJobs: number;
  private readonly maxQueuedChars: number;
  private readonly jobTimeLimitMs: number;
  private readonly workerHeapMb: number;

  constructor(
    private readonly log: Logger,
    options: SpecPoolOptions = {},
  ) {
    this.maxQueuedJobs = options.maxQueuedJobs ?? DEFAULT_MAX_QUEUED_JOBS;
    this.maxQueuedChars = options.maxQueuedChars ?? DEFAULT_MAX_QUEUED_CHARS;
    this.jobTimeLimitMs = options.jobTimeLimitMs ?? DEFAULT_JOB_TIME_LIMIT_MS;
    this.workerHeapMb = options.workerHeapMb ?? DEFAULT_WORKER_HEAP_MB;
    const count = options.workers ?? defaultWorkerCount();
    for (let i = 0; i < count; i++) {
      const slot: Slot = { worker: this.spawn(() => slot), alive: true, running: null };
      this.slots.push(slot);
    }
  }

  parse(text: string, options: ParseOptions): Promise<WorkflowSpec> {
    return this.run({ op: 'parse', text, options }) as Promise<WorkflowSpec>;
  }

  dryRun(text: string, options: ParseOptions): Promise<DryRunResult> {
    return this.run({ op: 'dry-run', text, options }) as Promise<DryRunResult>;
  }

  async checkApp(text: string): Promise<void> {
    await this.run({ op: 'check-app', text });
  }

  /** Ends every worker; queued and running jobs fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(shuttingDown());
    const workers = this.slots.map((slot) => {
      const running = slot.running;
      slot.running = null;
      if (running) {
        clearTimeout(running.timer);
        running.pending.reject(shuttingDown());
      }
      return slot.worker.terminate();
    });
    await Promise.all(workers);
  }

  assertRoom(chars: number): void {
    if (this.closed) throw shuttingDown();
    const full =
      this.queue.length >= this.maxQueuedJobs ||
      (this.queue.length > 0 && this.queuedChars + chars > this.maxQueuedChars);
    if (!full) return;
    this.log.debug({ queued: this.queue.length, chars: this.queuedChars }, 'spec queue full');
    throw new OsmoError(
      'USER',
      `The service is busy checking ${this.queue.length} other workflow specs; try again in a few seconds.`,
      429,
    );
  }

  private run(job: SpecJob): Promise<unknown> {
    const chars = jobChars(job);
    try {
      this.assertRoom(chars);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ job, chars, resolve, reject });
      this.queuedChars += chars;
      this.pump();
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.running !== null || !slot.alive) continue;
      const pending = this.queue.shift();
      if (pending === undefined) return;
      this.queuedChars -= pending.chars;
      const id = this.nextId++;
      const timer = setTimeout(() => this.fail(slot, id, tooSlow(this.jobTimeLimitMs)), this.jobTimeLimitMs);
      slot.running = { id, pending, timer };
      slot.worker.ref();
      slot.worker.postMessage({ id, job: pending.job });
    }
  }

  private spawn(slotOf: () => Slot): Worker {
    const worker = new Worker(WORKER_ENTRY, {
      resourceLimits: { maxOldGenerationSizeMb: this.workerHeapMb },
    });
    // An idle worker must not keep a finished process alive; a busy one is ref'd in pump().
    worker.unref();
    worker.on('message', (reply: JobReply) => this.settle(slotOf(), worker, reply));
    worker.on('error', (err: Error & { code?: string }) => {
      const running = slotOf().running;
      if (slotOf().worker !== worker || running === null) return;
      this.fail(
        slotOf(),
        running.id,
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? tooBig(this.workerHeapMb)
          : serverError(`The spec worker failed: ${err.message}`),
      );
    });
    worker.on('exit', (code) => {
      const slot = slotOf();
      if (this.closed || slot.worker !== worker) return;
      this.log.error({ code }, 'spec worker exited; starting another');
      if (slot.running) {
        this.fail(slot, slot.running.id, serverError('The spec worker exited.'));
        return;
      }
      slot.alive = false;
      setTimeout(() => this.replace(slot), RESPAWN_DELAY_MS).unref();
    });
    return worker;
  }

  private settle(slot: Slot, worker: Worker, reply: JobReply): void {
    const running = slot.running;
    if (slot.worker !== worker || running === null || running.id !== reply.id) return;
    clearTimeout(running.timer);
    slot.running = null;
    worker.unref();
    if (reply.ok) running.pending.resolve(reply.value);
    else running.pending.reject(decodeError(reply.error));
    this.pump();
  }

  /** The running job fails; its worker may be mid-computation, so it is replaced, not reused. */
  private fail(slot: Slot, id: number, err: Error): void {
    const running = slot.running;
    if (running === null || running.id !== id) return;
    clearTimeout(running.timer);
    slot.running = null;
    running.pending.reject(err);
    this.replace(slot);
  }

  private replace(slot: Slot): void {
    if (this.closed) return;
    const old = slot.worker;
    slot.worker = this.spawn(() => slot);
    slot.alive = true;
    old.terminate().catch((err: unknown) => this.log.warn({ err }, 'spec worker did not stop'));
    this.pump();
  }
}

const shuttingDown = (): OsmoError => serverError('The service is shutting down.');

const tooSlow = (ms: number): OsmoError =>
  usageError(
    `The workflow spec took longer than ${ms / 1000} seconds to check; it is too large or too complex.`,
  );

const tooBig = (mb: number): OsmoError =>
  usageError(
    `The workflow spec needs more than ${mb} MiB of memory to check; it is too large or too complex.`,
  );
