// The Kysely Database interface: every table and column of the one store schema.
import type { ColumnType, Generated } from 'kysely';

/** Written as ISO-8601 UTC text; read back as text (SQLite) or Date (PostgreSQL). */
export type Timestamp = ColumnType<Date | string, string, string>;
export type NullableTimestamp = ColumnType<Date | string | null, string | null, string | null>;
/** Written as JSON text; read back as text (SQLite) or parsed (PostgreSQL jsonb). */
export type Json = ColumnType<unknown, string, string>;
export type NullableJson = ColumnType<unknown, string | null, string | null>;
/** Written as 0/1; read back as 0/1 (SQLite) or boolean (PostgreSQL). */
export type Bool = ColumnType<number | boolean, number, number>;

export interface UsersTable {
  id: string;
  created_at: Timestamp;
  created_by: string | null;
}

export interface UserRolesTable {
  user_id: string;
  role_name: string;
  assigned_by: string;
  assigned_at: Timestamp;
}

export interface AccessTokenTable {
  user_name: string;
  token_name: string;
  access_token: string;
  expires_at: NullableTimestamp;
  description: string | null;
  kind: string;
  created_at: Timestamp;
  last_seen_at: NullableTimestamp;
}

export interface AppsTable {
  uuid: string;
  name: string;
  owner: string;
  created_date: Timestamp;
  description: string;
}

export interface AppVersionsTable {
  app_uuid: string;
  version: number;
  created_by: string;
  created_date: Timestamp;
  status: string;
  spec_text: string | null;
}

export interface WorkflowsTable {
  workflow_uuid: string;
  workflow_name: string;
  job_id: number;
  workflow_id: string;
  submitted_by: string;
  cancelled_by: string | null;
  submit_time: Timestamp;
  start_time: NullableTimestamp;
  end_time: NullableTimestamp;
  exec_timeout: number | null;
  queue_timeout: number | null;
  backend: string | null;
  pool: string | null;
  version: number;
  outputs: string;
  status: string;
  failure_message: string | null;
  parent_name: string | null;
  parent_job_id: number | null;
  app_uuid: string | null;
  app_version: number | null;
  plugins: Json;
  labels: Json;
  priority: string;
  spec_text: string;
  template_spec_text: string | null;
  spec_json: NullableJson;
}

export interface WorkflowTagsTable {
  workflow_uuid: string;
  tag: string;
}

export interface GroupsTable {
  group_uuid: string;
  workflow_uuid: string;
  workflow_id: string;
  name: string;
  spec: Json;
  status: string;
  failure_message: string | null;
  processing_start_time: NullableTimestamp;
  scheduling_start_time: NullableTimestamp;
  initializing_start_time: NullableTimestamp;
  start_time: NullableTimestamp;
  end_time: NullableTimestamp;
  remaining_upstream_groups: Json;
  downstream_groups: Json;
  cleaned_up: Bool;
}

export interface TasksTable {
  task_db_key: string;
  workflow_uuid: string;
  workflow_id: string;
  name: string;
  retry_id: number;
  task_uuid: string;
  group_name: string;
  status: string;
  failure_message: string | null;
  exit_code: number | null;
  scheduling_start_time: NullableTimestamp;
  initializing_start_time: NullableTimestamp;
  start_time: NullableTimestamp;
  end_time: NullableTimestamp;
  input_download_start_time: NullableTimestamp;
  input_download_end_time: NullableTimestamp;
  output_upload_start_time: NullableTimestamp;
  output_upload_end_time: NullableTimestamp;
  last_heartbeat: NullableTimestamp;
  node_name: string | null;
  gpu_count: number;
  cpu_count: number;
  disk_count: number;
  memory_count: number;
  exit_actions: Json;
  lead: Bool;
  pod_name: string | null;
  pod_ip: string | null;
  gpu_indices: Json;
}

export interface WorkflowEventsTable {
  id: Generated<number>;
  workflow_uuid: string;
  time: Timestamp;
  task_name: string | null;
  retry_id: number | null;
  text: string;
}

export interface UserPasswordsTable {
  user_id: string;
  password_hash: string;
  updated_at: Timestamp;
}

export interface AccessTokenRolesTable {
  user_name: string;
  token_name: string;
  role_name: string;
  assigned_by: string;
  assigned_at: Timestamp;
}

export interface UeksTable {
  user_id: string;
  wrapped_key: string;
  created_at: Timestamp;
}

export interface CredentialTable {
  user_name: string;
  cred_name: string;
  cred_type: string;
  profile: string | null;
  /** JSON object of key -> encrypted value. */
  payload: string;
  created_at: Timestamp;
}

export interface ConfigHistoryTable {
  id: Generated<number>;
  config_type: string;
  name: string | null;
  revision: number;
  username: string;
  created_at: Timestamp;
  description: string;
  tags: Json;
  data: Json;
  deleted_by: string | null;
  deleted_at: NullableTimestamp;
}

export interface ProfileTable {
  user_name: string;
  email_notification: Bool;
  slack_notification: Bool;
  pool: string | null;
  bucket: string | null;
  /** The user's webhook URL, sealed with the user's data key; null when none. */
  webhook_url: string | null;
}

export interface NotificationEventsTable {
  id: Generated<number>;
  workflow_uuid: string;
  kind: string;
  workflow_status: string;
  created_at: Timestamp;
  expanded: Bool;
}

export interface NotificationDeliveriesTable {
  id: Generated<number>;
  event_id: number;
  channel: string;
  state: string;
  attempts: number;
  next_attempt_at: Timestamp;
  last_error: string | null;
  sent_at: NullableTimestamp;
}

export interface DatasetTable {
  id: string;
  name: string;
  bucket: string;
  created_by: string;
  created_date: Timestamp;
  is_collection: Bool;
  labels: Json;
  hash_location: string | null;
  hash_location_size: ColumnType<number | string, number, number>;
  last_version: number;
}

export interface DatasetVersionTable {
  dataset_id: string;
  version_id: string;
  location: string;
  status: string;
  created_by: string;
  created_date: Timestamp;
  last_used: Timestamp;
  last_updated: Timestamp;
  size: ColumnType<number | string, number, number>;
  checksum: string;
  metadata: Json;
}

export interface DatasetTagTable {
  dataset_id: string;
  tag: string;
  version_id: string;
}

export interface CollectionTable {
  id: string;
  dataset_id: string;
  version_id: string;
}

export interface Database {
  notification_events: NotificationEventsTable;
  notification_deliveries: NotificationDeliveriesTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  access_token: AccessTokenTable;
  apps: AppsTable;
  app_versions: AppVersionsTable;
  workflows: WorkflowsTable;
  workflow_tags: WorkflowTagsTable;
  groups: GroupsTable;
  tasks: TasksTable;
  workflow_events: WorkflowEventsTable;
  config_history: ConfigHistoryTable;
  profile: ProfileTable;
  user_passwords: UserPasswordsTable;
  access_token_roles: AccessTokenRolesTable;
  ueks: UeksTable;
  credential: CredentialTable;
  dataset: DatasetTable;
  dataset_version: DatasetVersionTable;
  dataset_tag: DatasetTagTable;
  collection: CollectionTable;
}
