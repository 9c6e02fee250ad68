// The wire shapes the UI reads, as the service's contract (src/api/contract/) writes them; statuses come from src/core.
import type { GroupStatus, Priority, TaskStatus, WorkflowStatus } from '../../../src/core/statuses.js';

/** Timestamps are naive ISO-8601 in UTC, as upstream sends them. */
export type WireTime = string | null;

export interface WorkflowListEntry {
  user: string;
  name: string;
  workflow_uuid: string;
  submit_time: WireTime;
  start_time: WireTime;
  end_time: WireTime;
  queued_time: number | null;
  duration: number | null;
  status: WorkflowStatus;
  overview: string;
  logs: string;
  pool: string | null;
  app_name: string | null;
  priority: Priority;
  labels: Record<string, string>;
}

export interface WorkflowList {
  workflows: WorkflowListEntry[];
  more_entries: boolean;
}

export interface TaskEntry {
  name: string;
  retry_id: number;
  status: TaskStatus;
  failure_message: string | null;
  exit_code: number | null;
  logs: string;
  events: string;
  start_time: WireTime;
  end_time: WireTime;
  scheduling_start_time: WireTime;
  initializing_start_time: WireTime;
  pod_name: string;
  pod_ip: string | null;
  task_uuid: string;
  node_name: string | null;
  lead: boolean;
  outputs?: TaskOutput[];
  dashboard_url?: string | null;
}

export interface GroupEntry {
  name: string;
  status: GroupStatus;
  start_time: WireTime;
  end_time: WireTime;
  remaining_upstream_groups: string[] | null;
  downstream_groups: string[] | null;
  failure_message: string | null;
  tasks: TaskEntry[];
}

export interface WorkflowDetail {
  name: string;
  uuid: string;
  submitted_by: string;
  cancelled_by: string | null;
  spec: string;
  template_spec: string;
  logs: string;
  events: string;
  overview: string;
  tags: string[];
  submit_time: WireTime;
  start_time: WireTime;
  end_time: WireTime;
  duration: number | null;
  queued_time: number | null;
  status: WorkflowStatus;
  outputs: string | null;
  dashboard_url?: string | null;
  grafana_url?: string | null;
  groups: GroupEntry[];
  pool: string | null;
  backend: string | null;
  app_name: string | null;
  priority: Priority;
  labels: Record<string, string>;
  pending_reason?: string;
  estimated_start_time?: WireTime;
}

export interface Profile {
  profile: {
    username: string;
    email_notification: boolean;
    slack_notification: boolean;
    pool: string | null;
  };
  roles: string[];
  pools: string[];
}

/** Quota and capacity figures arrive as decimal strings. */
export interface ResourceUsage {
  quota_used: string;
  quota_free: string;
  quota_limit: string;
  total_usage: string;
  total_capacity: string;
  total_free: string;
}

export interface PoolEntry {
  name: string;
  description: string;
  status: 'ONLINE' | 'OFFLINE' | 'MAINTENANCE';
  backend: string;
  default_platform: string | null;
  platforms: Record<string, { description: string }>;
  resource_usage: ResourceUsage;
}

export interface PoolQuota {
  node_sets: { pools: PoolEntry[] }[];
  resource_sum: ResourceUsage;
}

export interface ResourceEntry {
  hostname: string;
  exposed_fields: Record<string, string | string[]>;
  allocatable_fields: Record<string, string | number>;
  usage_fields: Record<string, string | number>;
  pool_platform_labels?: Record<string, string[]>;
  resource_type: 'SHARED' | 'RESERVED' | 'UNUSED';
  backend: string;
}

export interface CredentialSummary {
  cred_name: string;
  cred_type: string;
  profile: string | null;
}

export interface SubmitResult {
  name: string;
  overview?: string;
  spec?: string;
  logs?: string;
  scheduling?: unknown;
}

/** Where a task's results are: a storage URL, or a dataset (`[bucket/]name[:tag]`) made from a folder. */
export type TaskOutput = { url: string } | { dataset: string; path: string };

export interface AppListEntry {
  uuid: string;
  name: string;
  description: string;
  created_date: WireTime;
  owner: string;
  latest_version: number | null;
}

export interface AppVersionEntry {
  version: number;
  created_by: string;
  created_date: WireTime;
  status: string;
}

export interface AppInfo {
  uuid: string;
  name: string;
  description: string;
  created_date: WireTime;
  owner: string;
  versions: AppVersionEntry[];
}

export interface DatasetListEntry {
  name: string;
  id: string;
  bucket: string;
  create_time: WireTime;
  last_created: WireTime;
  hash_location_size: number | null;
  version_id: string | null;
  type: 'DATASET' | 'COLLECTION';
}

export interface DatasetVersionEntry {
  name: string;
  version: string;
  status?: string;
  created_by?: string;
  created_date?: WireTime;
  last_used?: WireTime;
  size: number | null;
  checksum?: string;
  uri: string;
  metadata?: Record<string, unknown>;
  tags?: string[];
  collections?: string[];
}

export interface DatasetInfo {
  name: string;
  id: string;
  bucket: string;
  created_by: string;
  created_date: WireTime;
  labels: Record<string, unknown>;
  type: 'DATASET' | 'COLLECTION';
  versions: DatasetVersionEntry[];
}

export interface ManifestEntry {
  relative_path: string;
  storage_path: string;
  size: number;
  etag: string;
}

export interface UserEntry {
  id: string;
  created_at: string;
  created_by: string | null;
}

export interface UserPage {
  total_results: number;
  start_index: number;
  items_per_page: number;
  users: UserEntry[];
}

export interface RoleAssignment {
  role_name: string;
  assigned_by: string;
  assigned_at: string;
}

/** Stored roles come back as the service's configuration schema parses them. */
export type { RoleDocument } from '../../../src/config/pool-config.js';

/** One row per user × pool × priority of the tasks that matched. */
export interface TaskUsage {
  user: string;
  pool: string;
  priority: Priority;
  gpu: number;
  cpu: number;
  memory: number;
  storage: number;
}
