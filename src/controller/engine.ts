// The service's control loop: one serial lane for state changes, driven by submissions, reports and a clock tick.
// A pass looks only at the workflows an event touched or a timeout made due, and dispatches only after
// something changed, so thousands of waiting workflows cost nothing while nothing happens.
import { type AttemptReport, isTaskFinished, isWorkflowFinished } from '../core/index.js';
import type { Workflow } from '../store/index.js';
import { advanceWorkflow } from './advance.js';
import { cancelWorkflow } from './cancel.js';
import type { EngineContext } from './context.js';
import { dispatchQueued, launchUnstarted } from './launch.js';
import { LogWriter } from './log-writer.js';
import { applyBackendReport } from './reports.js';
import { followBackendChange, launchedAttempts, recoverAttempts } from './recovery.js';
import type { BackendChange } from './backend-set.js';
import { readWorkflow } from './spec-cache.js';
import { WatchList } from './watch-list.js';

/** Timeouts that fall due are found on this beat even when nothing else happens. */
const TICK_INTERVAL_MS = 1000;
/** A pass stops after this long and continues on the next one, so reports and cancels get their turn. */
const PASS_BUDGET_MS = 100;
/** Every alive workflow is looked at this often, in case an event was missed. */
const SWEEP_INTERVAL_MS = 60_000;
/** The queue is planned again this often even when nothing changed: start estimates age, nodes come and go. */
const DISPATCH_REFRESH_MS = 30_000;
/**
 * Planning the queue never takes more than this share of the lane: a long queue is planned less
 * often, a short one as soon as capacity frees, so freed slots are filled within milliseconds.
 */
const DISPATCH_SHARE = 0.2;

/** What the API asks of the engine; with several replicas, a follower passes it to the leader. */
export interface EngineControl {
  touch(workflowUuid: string): void;
  cancel(workflow: Workflow, user: string, message: string | null, force: boolean): Promise<void>;
  isLogLive(workflowUuid: string): Promise<boolean>;
}

export class Engine implements EngineControl {
  private lane: Promise<unknown> = Promise.resolve();
  private logLane: Promise<unknown> = Promise.resolve();
  private readonly watch = new WatchList(SWEEP_INTERVAL_MS);
  /** Something changed that the dispatcher must see: new queued work, freed capacity, a new config. */
  private dispatchWanted = true;
  private lastDispatchMs = -Infinity;
  private lastDispatchCostMs = 0;
  /** When the last dispatch began on the monotonic clock, which the share is measured on. */
  private lastDispatchAt = -Infinity;
  private tickQueued = false;
  private timer: NodeJS.Timeout | null = null;
  private deferred: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly logWriter: LogWriter;

  constructor(readonly ctx: EngineContext) {
    this.logWriter = new LogWriter(ctx.logs);
  }

  /** Subscribes to the backends, re-attaches attempts that were running before a restart, starts the beat. */
  async start(): Promise<void> {
    this.unsubscribe = this.ctx.backends.observe((report) => this.onReport(report));
    const launched = await launchedAttempts(this.ctx);
    if (launched.length > 0) {
      this.ctx.log.info(
        { attempts: launched.length },
        'recovering attempts that were running before the restart',
      );
      const unstarted = await recoverAttempts(this.ctx, launched);
      // Placed but never started: launched on the lane like any launch, on the capacity still held for them.
      if (unstarted.length > 0) void this.serial(() => launchUnstarted(this.ctx, unstarted));
    }
    this.timer = setInterval(() => this.beat(), TICK_INTERVAL_MS);
    this.timer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.deferred) clearTimeout(this.deferred);
    this.unsubscribe?.();
    await this.lane;
    await this.logLane;
    await this.ctx.backends.close();
  }

  /** Backends came, went or were made again: each follows its attempts, and the queue looks again. */
  backendsChanged(change: BackendChange): void {
    void this.serial(async () => {
      const unstarted = await followBackendChange(this.ctx, change);
      if (unstarted.length > 0) await launchUnstarted(this.ctx, unstarted);
    });
    this.wake();
  }

  /** Runs `fn` after every state change queued before it: no two changes interleave. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lane.then(fn);
    this.lane = run.catch((err: unknown) => this.ctx.log.error({ err }, 'engine step failed'));
    return run;
  }

  /** Something changed that the queue must see (a submit, a new configuration): a pass and a dispatch. */
  wake(): void {
    this.dispatchWanted = true;
    this.beat();
  }

  /** A workflow changed outside a pass (submitted, restarted): the next pass looks at it. */
  touch(workflowUuid: string): void {
    this.watch.touch(workflowUuid);
    this.wake();
  }

  /** Asks for one pass; requests made meanwhile coalesce. */
  private beat(): void {
    if (this.tickQueued) return;
    this.tickQueued = true;
    void this.serial(async () => {
      this.tickQueued = false;
      await this.tick();
    });
  }

  /** One beat after `ms`, for a dispatch put off to keep its share; later requests join it. */
  private beatAfter(ms: number): void {
    if (this.deferred !== null) return;
    this.deferred = setTimeout(() => {
      this.deferred = null;
      this.beat();
    }, ms);
    this.deferred.unref();
  }

  private async tick(): Promise<void> {
    const started = performance.now();
    const nowMs = this.ctx.now().getTime();
    if (this.watch.sweepDue(nowMs)) {
      for (const uuid of await this.ctx.store.workflows.listAliveIds()) this.watch.touch(uuid);
    }
    const due = this.watch.take(nowMs);
    let looked = 0;
    while (looked < due.length && performance.now() - started < PASS_BUDGET_MS) {
      const uuid = due[looked] ?? '';
      looked += 1;
      // One broken workflow must not hold up the others; the next sweep tries it again.
      await this.advance(uuid).catch((err: unknown) =>
        this.ctx.log.error({ err, workflowUuid: uuid }, 'workflow pass failed'),
      );
    }
    for (const uuid of due.slice(looked)) this.watch.touch(uuid);
    const backlog = this.watch.pending > 0;
    if (backlog) this.beat();
    const refresh = nowMs - this.lastDispatchMs >= DISPATCH_REFRESH_MS;
    // Planning never takes more than its share of the lane, not once per report; a wanted pass put
    // off here runs on a later beat.
    const delayMs = this.lastDispatchCostMs / DISPATCH_SHARE;
    const sinceLastMs = performance.now() - this.lastDispatchAt;
    const wanted = this.dispatchWanted && sinceLastMs >= delayMs;
    if (this.dispatchWanted && !wanted) this.beatAfter(delayMs - sinceLastMs);
    if (!wanted && !refresh) return;
    this.dispatchWanted = false;
    this.lastDispatchMs = nowMs;
    const dispatchStarted = performance.now();
    this.lastDispatchAt = dispatchStarted;
    try {
      await dispatchQueued(this.ctx);
    } catch (err) {
      this.dispatchWanted = true;
      throw err;
    } finally {
      this.lastDispatchCostMs = performance.now() - dispatchStarted;
    }
    // Work placed by the dispatcher (or failed by it, when a credential is gone) is looked at again.
    for (const uuid of this.ctx.scheduling.placed) this.watch.touch(uuid);
    if (this.ctx.scheduling.placed.size > 0) this.beat();
    this.ctx.scheduling.placed.clear();
  }

  /** One workflow's pass: its groups move along the DAG; its next timeout is remembered. */
  private async advance(workflowUuid: string): Promise<void> {
    const workflow = await readWorkflow(this.ctx, workflowUuid);
    if (workflow === null || isWorkflowFinished(workflow.status)) {
      this.ended(workflowUuid);
      return;
    }
    const result = await advanceWorkflow(this.ctx, workflow);
    if (result.changed) this.dispatchWanted = true;
    if (isWorkflowFinished(result.status)) {
      this.watch.seen(workflowUuid, workflow.workflowId, null);
      this.ended(workflowUuid);
      return;
    }
    this.watch.seen(workflowUuid, workflow.workflowId, result.nextDeadlineMs);
    // A change may enable the next one (a failure cascading down the DAG): look again next pass.
    if (result.changed) this.watch.touch(workflowUuid);
  }

  private ended(workflowUuid: string): void {
    const workflowId = this.watch.ended(workflowUuid);
    if (workflowId !== null) this.archiveLogs(workflowId);
  }

  /** After the last lines in flight have settled, the workflow's log files are copied to object storage. */
  private archiveLogs(workflowId: string): void {
    const timer = setTimeout(() => {
      const run = this.logLane.then(() => this.ctx.logs.archive(workflowId));
      this.logLane = run.catch((err: unknown) =>
        this.ctx.log.error({ err, workflowId }, 'log archive failed'),
      );
    }, LOG_SETTLE_MS);
    timer.unref();
  }

  /** A log batch answers when it is written: the backend reads no further ahead of the store than that. */
  private onReport(report: AttemptReport): Promise<void> | undefined {
    if (report.kind === 'log') {
      const run = this.logLane.then(() => this.logWriter.write(report));
      this.logLane = run.catch((err: unknown) => this.ctx.log.error({ err }, 'log write failed'));
      return this.logLane.then(() => undefined);
    }
    if (isTaskFinished(report.status)) {
      // Behind the attempt's last lines: a line arriving later is counted again from its file.
      this.logLane = this.logLane.then(() => this.logWriter.forget(report.ref));
    }
    void this.serial(async () => {
      const queued = await applyBackendReport(this.ctx, report);
      // Its groups may move on (or time out later, counted from now); a finished attempt frees capacity.
      this.watch.touch(report.ref.workflowUuid);
      if (queued || (report.status !== 'INITIALIZING' && report.status !== 'RUNNING')) this.wake();
      else this.beat();
    });
  }

  cancel(workflow: Workflow, user: string, message: string | null, force: boolean): Promise<void> {
    return this.serial(async () => {
      const current = (await this.ctx.store.workflows.get(workflow.workflowUuid)) ?? workflow;
      await cancelWorkflow(this.ctx, current, user, message, force);
      this.touch(current.workflowUuid);
    });
  }

  /** Whether a workflow's logs may still grow: until it ends, plus a moment for the last lines in flight. */
  async isLogLive(workflowUuid: string): Promise<boolean> {
    const workflow = await this.ctx.store.workflows.get(workflowUuid);
    if (!workflow || !isWorkflowFinished(workflow.status)) return workflow !== null;
    await this.logLane;
    return this.ctx.now().getTime() - (workflow.endTime?.getTime() ?? 0) < LOG_SETTLE_MS;
  }
}

const LOG_SETTLE_MS = 1500;
