// Migration 009: the notification outbox. An event row is written in the same transaction as the
// status it tells of, so a crash never loses one; its deliveries, one per channel, carry the retries.
// The profile gains the user's webhook URL, sealed with the user's data key.
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect/index.js';

export async function notificationsSchema(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const { timestamp, bool } = dialect.columnTypes;
  await dialect
    .addIdColumn(db.schema.createTable('notification_events'), 'id')
    .addColumn('workflow_uuid', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('workflow_status', 'text', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('expanded', bool, (c) => c.notNull())
    // One event of each kind per workflow: a repeated write (a restart, a second scan) adds nothing.
    .addUniqueConstraint('notification_events_workflow_kind_key', ['workflow_uuid', 'kind'])
    .execute();
  await db.schema
    .createIndex('notification_events_expanded_idx')
    .on('notification_events')
    .columns(['expanded', 'id'])
    .execute();
  await dialect
    .addIdColumn(db.schema.createTable('notification_deliveries'), 'id')
    .addColumn('event_id', 'integer', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', timestamp, (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('sent_at', timestamp)
    .addUniqueConstraint('notification_deliveries_event_channel_key', ['event_id', 'channel'])
    .execute();
  await db.schema
    .createIndex('notification_deliveries_due_idx')
    .on('notification_deliveries')
    .columns(['state', 'next_attempt_at'])
    .execute();
  await db.schema.alterTable('profile').addColumn('webhook_url', 'text').execute();
}
