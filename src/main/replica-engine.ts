// One of several services on one PostgreSQL database: every replica serves the API, the one holding
// the engine lease drives the engine. The others pass what the engine must hear (a submit, a cancel)
// to the leader with NOTIFY, and take the lease over when its holder stops renewing it.
import { sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { isWorkflowFinished, userError } from '../core/index.js';
import type { BackendChange } from '../controller/backend-set.js';
import type { EngineContext } from '../controller/context.js';
import type { Engine, EngineControl } from '../controller/engine.js';
import { workflowChanged } from '../controller/workflow-changes.js';
import type { Store, Workflow } from '../store/index.js';
import { type EngineLease, RENEW_MS } from './engine-lease.js';

const CHANNEL = 'osmo_engine';
/** How often a follower tries the lease, and tells its watchers to read again what the leader wrote. */
const FOLLOW_MS = 1000;
/** A cancel passed to the leader is answered once it took effect, or after this long. */
const CANCEL_WAIT_MS = 10_000;

type Message =
  | { readonly kind: 'touch'; readonly uuid: string }
  | {
      readonly kind: 'cancel';
      readonly uuid: string;
      readonly user: string;
      readonly message: string | null;
      readonly force: boolean;
    };

export interface ReplicaOptions {
  readonly engine: Engine;
  /** The unfenced store and context the API uses. */
  readonly store: Store;
  readonly ctx: EngineContext;
  readonly lease: EngineLease;
  readonly postgresUrl: string;
  readonly log: Logger;
  /** Runs once this replica leads and its engine started (e.g. the notification dispatcher). */
  readonly onLeading: () => void;
  /** The lease was lost while leading: the engine may not go on, and cannot stop cleanly midway. */
  readonly onLost: () => void;
}

export interface ReplicaState {
  readonly leader: boolean;
  readonly holder: string;
  readonly term: number | null;
}

export class ReplicaEngine implements EngineControl {
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private listener: pg.Client | null = null;
  private alive = new Set<string>();

  constructor(private readonly o: ReplicaOptions) {}

  state(): ReplicaState {
    return { leader: this.leading, holder: this.o.lease.holder, term: this.o.lease.current()?.term ?? null };
  }

  /** Leads at once when the lease is free; follows otherwise, trying again every second. */
  async start(): Promise<void> {
    if (await this.o.lease.tryAcquire()) await this.lead();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.listener?.end().catch(() => undefined);
    if (this.leading) {
      await this.o.engine.stop();
      await this.o.lease.release().catch(() => undefined);
    } else {
      await this.o.ctx.backends.close();
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(
      () => void this.step().finally(() => this.schedule()),
      this.leading ? RENEW_MS : FOLLOW_MS,
    );
    this.timer.unref();
  }

  private async step(): Promise<void> {
    try {
      if (this.leading) {
        if (!(await this.o.lease.renew())) this.lost();
        else if (this.listener === null) await this.relisten();
        return;
      }
      if (await this.o.lease.tryAcquire()) await this.lead();
      else await this.tellWatchers();
    } catch (err) {
      this.o.log.warn({ err }, 'engine lease step failed');
      if (this.leading && this.o.lease.current() === null) this.lost();
    }
  }

  private lost(): void {
    this.o.log.fatal('this replica lost the engine lease to another one');
    this.o.onLost();
  }

  private async lead(): Promise<void> {
    this.leading = true;
    this.o.log.info({ term: this.o.lease.current()?.term }, 'this replica leads the engine');
    // Without the channel the engine still runs; the next renewal tries to listen again.
    await this.listen().catch((err: unknown) => this.o.log.warn({ err }, 'could not listen for the engine'));
    try {
      await this.o.engine.start();
    } catch (err) {
      // A leader whose engine cannot start must not sit on the lease: it stops, another takes over.
      this.o.log.fatal({ err }, 'the engine did not start');
      this.o.onLost();
      return;
    }
    this.o.onLeading();
    // A cancel a follower recorded while no replica led: carried out now.
    for (const w of await this.o.store.workflows.listAlive()) {
      if (w.cancelledBy !== null) this.cancelHere(w, w.cancelledBy, null, false);
    }
  }

  /** A channel that broke may have dropped messages: every alive workflow is looked at once more. */
  private async relisten(): Promise<void> {
    await this.listen();
    for (const uuid of await this.o.store.workflows.listAliveIds()) this.o.engine.touch(uuid);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.o.postgresUrl });
    client.on('error', (err) => {
      this.o.log.error({ err }, 'the engine notification channel failed; listening again');
      if (this.listener === client) this.listener = null;
      void client.end().catch(() => undefined);
    });
    client.on('notification', (n) => this.heard(n.payload ?? ''));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.listener = client;
  }

  private heard(payload: string): void {
    let message: Message;
    try {
      message = JSON.parse(payload) as Message;
    } catch {
      return;
    }
    if (message.kind === 'touch') {
      this.o.engine.touch(message.uuid);
      return;
    }
    void this.o.store.workflows.get(message.uuid).then((w) => {
      if (w !== null) this.cancelHere(w, message.user, message.message, message.force);
    });
  }

  private cancelHere(w: Workflow, user: string, message: string | null, force: boolean): void {
    this.o.engine
      .cancel(w, user, message, force)
      .catch((err: unknown) => this.o.log.warn({ err, workflowId: w.workflowId }, 'forwarded cancel failed'));
  }

  private async notify(message: Message): Promise<void> {
    await sql`SELECT pg_notify(${CHANNEL}, ${JSON.stringify(message)})`.execute(this.o.store.db);
  }

  /**
   * The leader's change signals stay in its process: a follower's watchers (the UI's stream, live
   * logs) are told to read again every second, for the workflows alive and those that just ended.
   */
  private async tellWatchers(): Promise<void> {
    const now = new Set(await this.o.store.workflows.listAliveIds());
    for (const uuid of new Set([...this.alive, ...now])) workflowChanged(this.o.ctx, uuid);
    this.alive = now;
  }

  touch(workflowUuid: string): void {
    if (this.leading) {
      this.o.engine.touch(workflowUuid);
      return;
    }
    // Lost when no replica leads this instant: the next leader's first pass looks at every alive workflow.
    this.notify({ kind: 'touch', uuid: workflowUuid }).catch((err: unknown) =>
      this.o.log.warn({ err }, 'could not tell the leader of a change'),
    );
  }

  async cancel(workflow: Workflow, user: string, message: string | null, force: boolean): Promise<void> {
    if (this.leading) return this.o.engine.cancel(workflow, user, message, force);
    if (isWorkflowFinished(workflow.status) && !force) {
      throw userError(`Workflow ${workflow.workflowId} is already finished.`);
    }
    // Recorded first, so a leader that takes over before hearing of it still carries it out.
    await this.o.store.workflows.setCancelledBy(workflow.workflowUuid, user);
    await this.notify({ kind: 'cancel', uuid: workflow.workflowUuid, user, message, force });
    const deadline = Date.now() + CANCEL_WAIT_MS;
    while (Date.now() < deadline) {
      const current = await this.o.store.workflows.get(workflow.workflowUuid);
      if (current === null || isWorkflowFinished(current.status)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  isLogLive(workflowUuid: string): Promise<boolean> {
    return this.o.engine.isLogLive(workflowUuid);
  }

  /** Only the leader's engine follows backends: a follower runs nothing on them. */
  wake(): void {
    if (this.leading) this.o.engine.wake();
  }

  backendsChanged(change: BackendChange): void {
    if (this.leading) this.o.engine.backendsChanged(change);
  }
}
