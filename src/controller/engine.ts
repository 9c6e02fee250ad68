// The service's control loop: one serial lane for state changes, driven by submissions, reports and a clock tick.
import type { AttemptRef, AttemptReport } from '../backends/index.js';
import { isWorkflowFinished } from '../core/index.js';
import type { Workflow } from '../store/index.js';
import { advanceWorkflow } from './advance.js';
import { cancelWorkflow } from './cancel.js';
import type { EngineContext } from './context.js';
import { dispatchQueued } from './launch.js';
import { applyStatusReport, LogWriter } from './reports.js';

/** Timeouts are checked on this beat even when nothing else happens. */
const TICK_INTERVAL_MS = 1000;

export class Engine {
  private lane: Promise<unknown> = Promise.resolve();
  private logLane: Promise<unknown> = Promise.resolve();
  /** Workflows alive at the last tick: one missing now has ended, and its logs go to object storage. */
  private aliveAtLastTick = new Map<string, string>();
  private tickQueued = false;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly logWriter: LogWriter;

  constructor(readonly ctx: EngineContext) {
    this.logWriter = new LogWriter(ctx);
  }

  /** Subscribes to the backend, re-attaches attempts that were running before a restart, starts the beat. */
  async start(): Promise<void> {
    this.unsubscribe = this.ctx.backend.observe((report) => this.onReport(report));
    const attempts = await this.ctx.store.tasks.listRunningAttempts([
      'SCHEDULING',
      'INITIALIZING',
      'RUNNING',
    ]);
    const launched: AttemptRef[] = [];
    for (const a of attempts.filter((t) => t.nodeName !== null)) {
      const group = (await this.ctx.store.groups.listByWorkflow(a.workflowUuid)).find(
        (g) => g.name === a.groupName,
      );
      if (!group) continue;
      launched.push({
        workflowId: a.workflowId,
        workflowUuid: a.workflowUuid,
        groupName: a.groupName,
        groupUuid: group.groupUuid,
        taskName: a.name,
        taskUuid: a.taskUuid,
        retryId: a.retryId,
      });
    }
    if (launched.length > 0) {
      this.ctx.log.info(
        { attempts: launched.length },
        'recovering attempts that were running before the restart',
      );
      await this.ctx.backend.recover(launched);
    }
    this.timer = setInterval(() => this.wake(), TICK_INTERVAL_MS);
    this.timer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.lane;
    await this.logLane;
    await this.ctx.backend.close();
  }

  /** Runs `fn` after every state change queued before it: no two changes interleave. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lane.then(fn);
    this.lane = run.catch((err: unknown) => this.ctx.log.error({ err }, 'engine step failed'));
    return run;
  }

  /** Asks for one pass over alive workflows and the queue; requests made meanwhile coalesce. */
  wake(): void {
    if (this.tickQueued) return;
    this.tickQueued = true;
    void this.serial(async () => {
      this.tickQueued = false;
      await this.tick();
    });
  }

  private async tick(): Promise<void> {
    for (const workflow of await this.ctx.store.workflows.listAlive()) {
      await advanceWorkflow(this.ctx, workflow);
    }
    await dispatchQueued(this.ctx);
    const alive = new Map(
      (await this.ctx.store.workflows.listAlive()).map((w) => [w.workflowUuid, w.workflowId]),
    );
    for (const [uuid, workflowId] of this.aliveAtLastTick) {
      if (!alive.has(uuid)) this.archiveLogs(workflowId);
    }
    this.aliveAtLastTick = alive;
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

  private onReport(report: AttemptReport): void {
    if (report.kind === 'log') {
      const run = this.logLane.then(() => this.logWriter.write(report));
      this.logLane = run.catch((err: unknown) => this.ctx.log.error({ err }, 'log write failed'));
      return;
    }
    void this.serial(async () => {
      if (await applyStatusReport(this.ctx, report)) this.wake();
      // A finished attempt frees capacity for the queue.
      if (report.status !== 'INITIALIZING' && report.status !== 'RUNNING') this.wake();
    });
  }

  cancel(workflow: Workflow, user: string, message: string | null, force: boolean): Promise<void> {
    return this.serial(async () => {
      const current = (await this.ctx.store.workflows.get(workflow.workflowUuid)) ?? workflow;
      await cancelWorkflow(this.ctx, current, user, message, force);
      this.wake();
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
