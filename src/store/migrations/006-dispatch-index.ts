// Migration 006: the dispatcher reads launched attempts in pages ordered by workflow, task and retry.
import type { Kysely } from 'kysely';

export async function dispatchIndex(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('tasks_status_workflow_name_retry_idx')
    .on('tasks')
    .columns(['status', 'workflow_id', 'name', 'retry_id'])
    .execute();
}
