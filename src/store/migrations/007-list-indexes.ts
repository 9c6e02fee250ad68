// Migration 007: an index for each list the CLI and UI page through, so a page is read in index order
// (no sort of every matching row) and only its rows are touched; indexes these make redundant go.
import type { Kysely } from 'kysely';

/** [index, table, columns]: equality filters first, then the list's ORDER BY, then filtered columns. */
const LIST_INDEXES: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  // GET /api/workflow as the CLI sends it: one user, newest first, FAILED_SUBMISSION left out.
  ['workflows_user_submit_idx', 'workflows', ['submitted_by', 'submit_time', 'workflow_uuid', 'status']],
  [
    'workflows_user_pool_submit_idx',
    'workflows',
    ['submitted_by', 'pool', 'submit_time', 'workflow_uuid', 'status'],
  ],
  // One status of every user, newest first; alive ones (a few statuses) for the engine.
  ['workflows_status_submit_idx', 'workflows', ['status', 'submit_time', 'workflow_uuid']],
  ['workflows_pool_submit_idx', 'workflows', ['pool', 'submit_time', 'workflow_uuid', 'status']],
  // A workflow's events in time order; ties by id, which PostgreSQL does not keep in the index implicitly.
  ['workflow_events_workflow_time_id_idx', 'workflow_events', ['workflow_uuid', 'time', 'id']],
  // A workflow's tasks by name, newest retry first.
  ['tasks_workflow_name_retry_desc_idx', 'tasks', ['workflow_uuid', 'name', 'retry_id desc']],
  ['dataset_user_created_idx', 'dataset', ['created_by', 'created_date', 'id']],
  ['dataset_created_idx', 'dataset', ['created_date', 'id']],
  ['dataset_version_created_idx', 'dataset_version', ['dataset_id', 'created_date']],
  ['apps_created_idx', 'apps', ['created_date', 'uuid']],
  ['apps_owner_created_idx', 'apps', ['owner', 'created_date', 'uuid']],
  // Newest users first, ties by id ascending: the index keeps both directions.
  ['users_created_idx', 'users', ['created_at desc', 'id']],
  ['config_history_created_idx', 'config_history', ['created_at', 'revision']],
];

// Each is a leading prefix of one above, which serves every query it served.
const SUPERSEDED = [
  'workflows_status_idx',
  'workflow_events_workflow_idx',
  'tasks_workflow_name_retry_idx',
  'dataset_created_by',
];

export async function listIndexes(db: Kysely<unknown>): Promise<void> {
  for (const [name, table, columns] of LIST_INDEXES) {
    await db.schema
      .createIndex(name)
      .on(table)
      .columns([...columns])
      .execute();
  }
  for (const name of SUPERSEDED) await db.schema.dropIndex(name).execute();
}
