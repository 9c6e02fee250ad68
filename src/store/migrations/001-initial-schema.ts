// Migration 001: users, tokens, apps, workflows, tags, groups, tasks and events with their indexes.
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect/index.js';

export async function initialSchema(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const { timestamp, json, bool } = dialect.columnTypes;

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();

  await db.schema
    .createTable('user_roles')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role_name', 'text', (c) => c.notNull())
    .addColumn('assigned_by', 'text', (c) => c.notNull())
    .addColumn('assigned_at', timestamp, (c) => c.notNull())
    .addUniqueConstraint('user_roles_user_role_key', ['user_id', 'role_name'])
    .execute();
  await db.schema.createIndex('user_roles_role_idx').on('user_roles').column('role_name').execute();

  await db.schema
    .createTable('access_token')
    .addColumn('user_name', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_name', 'text', (c) => c.notNull())
    .addColumn('access_token', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', timestamp)
    .addColumn('description', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('last_seen_at', timestamp)
    .addPrimaryKeyConstraint('access_token_pkey', ['user_name', 'token_name'])
    .execute();

  await db.schema
    .createTable('apps')
    .addColumn('uuid', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('created_date', timestamp, (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .execute();

  await db.schema
    .createTable('workflows')
    .addColumn('workflow_uuid', 'text', (c) => c.primaryKey())
    .addColumn('workflow_name', 'text', (c) => c.notNull())
    .addColumn('job_id', 'integer', (c) => c.notNull())
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('submitted_by', 'text', (c) => c.notNull())
    .addColumn('cancelled_by', 'text')
    .addColumn('submit_time', timestamp, (c) => c.notNull())
    .addColumn('start_time', timestamp)
    .addColumn('end_time', timestamp)
    .addColumn('exec_timeout', 'integer')
    .addColumn('queue_timeout', 'integer')
    .addColumn('backend', 'text')
    .addColumn('pool', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(2))
    .addColumn('outputs', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failure_message', 'text')
    .addColumn('parent_name', 'text')
    .addColumn('parent_job_id', 'integer')
    .addColumn('app_uuid', 'text')
    .addColumn('app_version', 'integer')
    .addColumn('plugins', json, (c) => c.notNull())
    .addColumn('labels', json, (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull().defaultTo('NORMAL'))
    .addColumn('spec_text', 'text', (c) => c.notNull())
    .addColumn('template_spec_text', 'text')
    .addColumn('spec_json', json)
    .addUniqueConstraint('workflows_name_job_id_key', ['workflow_name', 'job_id'])
    .execute();
  // Listing orders by (submit_time, workflow_uuid) and filters on status, so those share one index.
  await db.schema
    .createIndex('workflows_submit_time_idx')
    .on('workflows')
    .columns(['submit_time', 'workflow_uuid', 'status'])
    .execute();
  await db.schema
    .createIndex('workflows_user_pool_status_idx')
    .on('workflows')
    .columns(['submitted_by', 'pool', 'status', 'submit_time'])
    .execute();
  await db.schema
    .createIndex('workflows_pool_status_idx')
    .on('workflows')
    .columns(['pool', 'status', 'submit_time'])
    .execute();
  await db.schema.createIndex('workflows_status_idx').on('workflows').columns(['status']).execute();

  await db.schema
    .createTable('workflow_tags')
    .addColumn('workflow_uuid', 'text', (c) =>
      c.notNull().references('workflows.workflow_uuid').onDelete('cascade'),
    )
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('workflow_tags_pkey', ['workflow_uuid', 'tag'])
    .execute();
  await db.schema
    .createIndex('workflow_tags_tag_idx')
    .on('workflow_tags')
    .columns(['tag', 'workflow_uuid'])
    .execute();

  await db.schema
    .createTable('groups')
    .addColumn('group_uuid', 'text', (c) => c.primaryKey())
    .addColumn('workflow_uuid', 'text', (c) =>
      c.notNull().references('workflows.workflow_uuid').onDelete('cascade'),
    )
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('spec', json, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failure_message', 'text')
    .addColumn('processing_start_time', timestamp)
    .addColumn('scheduling_start_time', timestamp)
    .addColumn('initializing_start_time', timestamp)
    .addColumn('start_time', timestamp)
    .addColumn('end_time', timestamp)
    .addColumn('remaining_upstream_groups', json, (c) => c.notNull())
    .addColumn('downstream_groups', json, (c) => c.notNull())
    .addColumn('cleaned_up', bool, (c) => c.notNull())
    .addUniqueConstraint('groups_workflow_name_key', ['workflow_uuid', 'name'])
    .execute();

  await db.schema
    .createTable('tasks')
    .addColumn('task_db_key', 'text', (c) => c.primaryKey())
    .addColumn('workflow_uuid', 'text', (c) =>
      c.notNull().references('workflows.workflow_uuid').onDelete('cascade'),
    )
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('retry_id', 'integer', (c) => c.notNull())
    .addColumn('task_uuid', 'text', (c) => c.notNull())
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failure_message', 'text')
    .addColumn('exit_code', 'integer')
    .addColumn('scheduling_start_time', timestamp)
    .addColumn('initializing_start_time', timestamp)
    .addColumn('start_time', timestamp)
    .addColumn('end_time', timestamp)
    .addColumn('input_download_start_time', timestamp)
    .addColumn('input_download_end_time', timestamp)
    .addColumn('output_upload_start_time', timestamp)
    .addColumn('output_upload_end_time', timestamp)
    .addColumn('last_heartbeat', timestamp)
    .addColumn('node_name', 'text')
    .addColumn('gpu_count', 'integer', (c) => c.notNull())
    .addColumn('cpu_count', 'integer', (c) => c.notNull())
    .addColumn('disk_count', 'double precision', (c) => c.notNull())
    .addColumn('memory_count', 'double precision', (c) => c.notNull())
    .addColumn('exit_actions', json, (c) => c.notNull())
    .addColumn('lead', bool, (c) => c.notNull())
    .addColumn('pod_name', 'text')
    .addColumn('pod_ip', 'text')
    .addColumn('gpu_indices', json, (c) => c.notNull())
    .addUniqueConstraint('tasks_uuid_retry_key', ['task_uuid', 'retry_id'])
    .addUniqueConstraint('tasks_workflow_retry_name_key', ['workflow_id', 'retry_id', 'name'])
    .execute();
  await db.schema
    .createIndex('tasks_workflow_name_retry_idx')
    .on('tasks')
    .columns(['workflow_uuid', 'name', 'retry_id'])
    .execute();
  await db.schema.createIndex('tasks_status_idx').on('tasks').columns(['status', 'start_time']).execute();
  await db.schema.createIndex('tasks_end_time_idx').on('tasks').column('end_time').execute();

  await dialect
    .addIdColumn(db.schema.createTable('workflow_events'), 'id')
    .addColumn('workflow_uuid', 'text', (c) =>
      c.notNull().references('workflows.workflow_uuid').onDelete('cascade'),
    )
    .addColumn('time', timestamp, (c) => c.notNull())
    .addColumn('task_name', 'text')
    .addColumn('retry_id', 'integer')
    .addColumn('text', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('workflow_events_workflow_idx')
    .on('workflow_events')
    .columns(['workflow_uuid', 'time'])
    .execute();
}
