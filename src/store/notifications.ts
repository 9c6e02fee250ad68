// The notification outbox: one event per workflow and kind, and the deliveries that carry it to each
// channel with their retries. Events are written beside the status they tell of (workflow-writes.ts).
import type { Kysely } from 'kysely';
import type { DeliveryState, NotificationChannel, NotificationKind, WorkflowStatus } from '../core/index.js';
import { readBool, readTime, readTimeOrNull, writeBool, writeTime } from './codec.js';
import type { Row, StoreContext } from './context.js';
import type { Database } from './schema.js';

export interface NotificationEvent {
  readonly id: number;
  readonly workflowUuid: string;
  readonly kind: NotificationKind;
  readonly workflowStatus: WorkflowStatus;
  readonly createdAt: Date;
  readonly expanded: boolean;
}

export interface NotificationDelivery {
  readonly id: number;
  readonly eventId: number;
  readonly channel: NotificationChannel;
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastError: string | null;
  readonly sentAt: Date | null;
}

/** A delivery with the event it carries: what the dispatcher sends. */
export interface DueDelivery extends NotificationDelivery {
  readonly event: NotificationEvent;
}

export interface NotificationRepository {
  /** Records an event unless this workflow has one of this kind; returns whether it was new. */
  recordEvent(
    workflowUuid: string,
    kind: NotificationKind,
    status: WorkflowStatus,
    at: Date,
  ): Promise<boolean>;
  /** Events whose deliveries are not created yet, oldest first. */
  listUnexpanded(limit: number): Promise<NotificationEvent[]>;
  /**
   * Creates the event's deliveries, due at `at`, and marks it expanded in one transaction; a second
   * call for the same event adds nothing and returns false.
   */
  expand(
    eventId: number,
    deliveries: readonly { channel: NotificationChannel; state: DeliveryState; note: string | null }[],
    at: Date,
  ): Promise<boolean>;
  /** PENDING deliveries due at `now`, the earliest first, with their events. */
  listDue(now: Date, limit: number): Promise<DueDelivery[]>;
  /** The earliest time a PENDING delivery is due; null when none is. */
  nextDueAt(): Promise<Date | null>;
  markSent(id: number, attempts: number, at: Date): Promise<void>;
  /** A failed attempt: try again at `nextAttemptAt`, or give up when `giveUp`. */
  markFailedAttempt(
    id: number,
    attempts: number,
    error: string,
    nextAttemptAt: Date,
    giveUp: boolean,
  ): Promise<void>;
  listEvents(workflowUuid: string): Promise<NotificationEvent[]>;
  listDeliveries(eventId: number): Promise<NotificationDelivery[]>;
  /** PENDING workflows submitted at or before `cutoff` without a PENDING_TOO_LONG event yet. */
  listPendingSince(cutoff: Date, limit: number): Promise<string[]>;
}

/** Inserts an event through `db` (a pool or the open transaction of a status write). */
export async function insertNotificationEvent(
  db: Kysely<Database>,
  workflowUuid: string,
  kind: NotificationKind,
  status: WorkflowStatus,
  at: Date,
): Promise<boolean> {
  const result = await db
    .insertInto('notification_events')
    .values({
      workflow_uuid: workflowUuid,
      kind,
      workflow_status: status,
      created_at: writeTime(at),
      expanded: writeBool(false),
    })
    .onConflict((oc) => oc.columns(['workflow_uuid', 'kind']).doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

const toEvent = (row: Row<'notification_events'>): NotificationEvent => ({
  id: Number(row.id),
  workflowUuid: row.workflow_uuid,
  kind: row.kind as NotificationKind,
  workflowStatus: row.workflow_status as WorkflowStatus,
  createdAt: readTime(row.created_at),
  expanded: readBool(row.expanded),
});

const toDelivery = (row: Row<'notification_deliveries'>): NotificationDelivery => ({
  id: Number(row.id),
  eventId: Number(row.event_id),
  channel: row.channel as NotificationChannel,
  state: row.state as DeliveryState,
  attempts: Number(row.attempts),
  nextAttemptAt: readTime(row.next_attempt_at),
  lastError: row.last_error,
  sentAt: readTimeOrNull(row.sent_at),
});

export function createNotificationRepository(ctx: StoreContext): NotificationRepository {
  const { db } = ctx;
  return {
    recordEvent: (workflowUuid, kind, status, at) =>
      insertNotificationEvent(db, workflowUuid, kind, status, at),
    async listUnexpanded(limit) {
      const rows = await db
        .selectFrom('notification_events')
        .selectAll()
        .where('expanded', '=', writeBool(false))
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toEvent);
    },
    async expand(eventId, deliveries, at) {
      const run = async (trx: Kysely<Database>): Promise<boolean> => {
        const claimed = await trx
          .updateTable('notification_events')
          .set({ expanded: writeBool(true) })
          .where('id', '=', eventId)
          .where('expanded', '=', writeBool(false))
          .executeTakeFirst();
        if (claimed.numUpdatedRows === 0n) return false;
        if (deliveries.length > 0) {
          await trx
            .insertInto('notification_deliveries')
            .values(
              deliveries.map((d) => ({
                event_id: eventId,
                channel: d.channel,
                state: d.state,
                attempts: 0,
                next_attempt_at: writeTime(at),
                last_error: d.note,
                sent_at: null,
              })),
            )
            .execute();
        }
        return true;
      };
      return db.isTransaction ? run(db) : db.transaction().execute(run);
    },
    async listDue(now, limit) {
      const rows = await db
        .selectFrom('notification_deliveries as d')
        .innerJoin('notification_events as e', 'e.id', 'd.event_id')
        .select([
          'd.id',
          'd.event_id',
          'd.channel',
          'd.state',
          'd.attempts',
          'd.next_attempt_at',
          'd.last_error',
          'd.sent_at',
          'e.workflow_uuid',
          'e.kind',
          'e.workflow_status',
          'e.created_at',
          'e.expanded',
        ])
        .where('d.state', '=', 'PENDING')
        .where('d.next_attempt_at', '<=', writeTime(now))
        .orderBy('d.next_attempt_at')
        .orderBy('d.id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        ...toDelivery(r),
        event: toEvent({ ...r, id: r.event_id }),
      }));
    },
    async nextDueAt() {
      const row = await db
        .selectFrom('notification_deliveries')
        .select((eb) => eb.fn.min('next_attempt_at').as('next'))
        .where('state', '=', 'PENDING')
        .executeTakeFirst();
      const next = row?.next as Date | string | null | undefined;
      return next === null || next === undefined ? null : readTime(next);
    },
    async markSent(id, attempts, at) {
      await db
        .updateTable('notification_deliveries')
        .set({ state: 'SENT', attempts, sent_at: writeTime(at), last_error: null })
        .where('id', '=', id)
        .execute();
    },
    async markFailedAttempt(id, attempts, error, nextAttemptAt, giveUp) {
      await db
        .updateTable('notification_deliveries')
        .set({
          state: giveUp ? 'FAILED' : 'PENDING',
          attempts,
          last_error: error,
          next_attempt_at: writeTime(nextAttemptAt),
        })
        .where('id', '=', id)
        .execute();
    },
    async listEvents(workflowUuid) {
      const rows = await db
        .selectFrom('notification_events')
        .selectAll()
        .where('workflow_uuid', '=', workflowUuid)
        .orderBy('id')
        .execute();
      return rows.map(toEvent);
    },
    async listDeliveries(eventId) {
      const rows = await db
        .selectFrom('notification_deliveries')
        .selectAll()
        .where('event_id', '=', eventId)
        .orderBy('channel')
        .execute();
      return rows.map(toDelivery);
    },
    async listPendingSince(cutoff, limit) {
      const rows = await db
        .selectFrom('workflows as w')
        .select('w.workflow_uuid')
        .where('w.status', '=', 'PENDING')
        .where('w.submit_time', '<=', writeTime(cutoff))
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('notification_events as e')
                .select('e.id')
                .whereRef('e.workflow_uuid', '=', 'w.workflow_uuid')
                .where('e.kind', '=', 'PENDING_TOO_LONG'),
            ),
          ),
        )
        .orderBy('w.submit_time')
        .limit(limit)
        .execute();
      return rows.map((r) => r.workflow_uuid);
    },
  };
}
