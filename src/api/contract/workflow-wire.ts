// Wire schemas of workflows, their groups and tasks, and of the task listing: the field order here is
// the order of the answer.
import { z } from 'zod';
import { GROUP_STATUSES, PRIORITIES, TASK_STATUSES, WORKFLOW_STATUSES } from '../../core/index.js';
import { wire } from './wire-registry.js';

/** Naive ISO-8601 times (no offset), as upstream serialises its TIMESTAMP columns. */
const time = z.string().nullable();
const seconds = z.number().nullable();
const link = z.string();
/** Our additions: the reference's service leaves them out, so a client must not require them. */
const labels = z.record(z.string(), z.string()).optional();
const warnings = z.array(z.string()).optional();

export const WorkflowStatus = wire('WorkflowStatus', z.enum(WORKFLOW_STATUSES));
// Groups and tasks: the reference's service also reports PENDING, which this service does not use, so a
// client takes any status (the description lists this service's).
export const GroupStatus = wire(
  'GroupStatus',
  z.string(),
  `A group status; this service reports ${GROUP_STATUSES.join(', ')}.`,
);
export const TaskStatus = wire(
  'TaskStatus',
  z.string(),
  `A task status; this service reports ${TASK_STATUSES.join(', ')}.`,
);
export const Priority = wire('Priority', z.enum(PRIORITIES));

export const WorkflowListEntry = wire(
  'WorkflowListEntry',
  z.object({
    user: z.string(),
    name: z.string(),
    workflow_uuid: z.string(),
    submit_time: time,
    start_time: time,
    end_time: time,
    queued_time: seconds,
    duration: seconds,
    status: WorkflowStatus,
    overview: link,
    logs: link,
    error_logs: link.nullable(),
    grafana_url: link.nullable(),
    dashboard_url: link.nullable(),
    pool: z.string().nullable(),
    app_owner: z.string().nullable(),
    app_name: z.string().nullable(),
    app_version: z.int().nullable(),
    priority: Priority,
    labels,
  }),
);
export type WorkflowListEntry = z.infer<typeof WorkflowListEntry>;

export const WorkflowList = wire(
  'WorkflowList',
  z.object({ workflows: z.array(WorkflowListEntry), more_entries: z.boolean().optional() }),
);
export type WorkflowList = z.infer<typeof WorkflowList>;

/** Where a task's results are: the kept `{{output}}` directory and its spec's `outputs:` (ours). */
export const TaskOutput = wire(
  'TaskOutput',
  z.union([z.object({ url: z.string() }), z.object({ dataset: z.string(), path: z.string().optional() })]),
);

export const WorkflowTask = wire(
  'WorkflowTask',
  z.object({
    name: z.string(),
    retry_id: z.int(),
    status: TaskStatus,
    failure_message: z.string().nullable(),
    exit_code: z.int().nullable(),
    logs: link,
    error_logs: link.nullable(),
    processing_start_time: time,
    scheduling_start_time: time,
    initializing_start_time: time,
    events: link,
    start_time: time,
    end_time: time,
    input_download_start_time: time,
    input_download_end_time: time,
    output_upload_start_time: time,
    dashboard_url: link.nullable(),
    pod_name: z.string().nullable(),
    pod_ip: z.string().nullable(),
    task_uuid: z.string(),
    node_name: z.string().nullable(),
    lead: z.boolean(),
    outputs: z.array(TaskOutput).optional(),
  }),
);
export type WorkflowTask = z.infer<typeof WorkflowTask>;

export type TaskOutput = z.infer<typeof TaskOutput>;

export const WorkflowGroup = wire(
  'WorkflowGroup',
  z.object({
    name: z.string(),
    status: GroupStatus,
    start_time: time,
    end_time: time,
    processing_start_time: time,
    scheduling_start_time: time,
    initializing_start_time: time,
    remaining_upstream_groups: z.array(z.string()),
    downstream_groups: z.array(z.string()),
    failure_message: z.string().nullable(),
    tasks: z.array(WorkflowTask),
  }),
);
export type WorkflowGroup = z.infer<typeof WorkflowGroup>;

/** Resource-hours held by attempts (ours). */
export const UsageAmounts = wire(
  'UsageAmounts',
  z.object({
    attempts: z.number(),
    gpu_hours: z.number(),
    cpu_hours: z.number(),
    memory_gib_hours: z.number(),
  }),
);

export const WorkflowQuery = wire(
  'WorkflowQuery',
  z.object({
    name: z.string(),
    uuid: z.string(),
    submitted_by: z.string(),
    cancelled_by: z.string().nullable(),
    spec: link,
    template_spec: link,
    logs: link,
    events: link,
    overview: link,
    parent_name: z.string().nullable(),
    parent_job_id: z.int().nullable(),
    dashboard_url: link.nullable(),
    grafana_url: link.nullable(),
    tags: z.array(z.string()),
    submit_time: time,
    start_time: time,
    end_time: time,
    exec_timeout: z.number().nullable(),
    queue_timeout: z.number().nullable(),
    duration: seconds,
    queued_time: seconds,
    status: WorkflowStatus,
    outputs: z.string(),
    groups: z.array(WorkflowGroup),
    pool: z.string().nullable(),
    backend: z.string().nullable(),
    app_owner: z.string().nullable(),
    app_name: z.string().nullable(),
    app_version: z.int().nullable(),
    plugins: z.object({ rsync: z.boolean() }),
    priority: Priority,
    labels,
    warnings,
    /** Why a PENDING workflow waits, and when it may start (ours). */
    pending_reason: z.string().optional(),
    estimated_start_time: time.optional(),
    usage: UsageAmounts.optional(),
  }),
);
export type WorkflowQuery = z.infer<typeof WorkflowQuery>;

export const WorkflowTaskAttempt = wire(
  'WorkflowTaskAttempt',
  z.object({
    workflow_id: z.string(),
    task_name: z.string(),
    node: z.string().nullable(),
    start_time: time,
    end_time: time,
    status: TaskStatus,
    storage: z.number(),
    cpu: z.number(),
    memory: z.number(),
    gpu: z.number(),
  }),
);

export const WorkflowName = wire('WorkflowName', z.object({ name: z.string() }));
export const Tags = wire('Tags', z.object({ tags: z.array(z.string()) }));
export const UserNames = wire('UserNames', z.array(z.string()));

/**
 * A submission's answer, one shape for its three outcomes as upstream has it: a submitted workflow
 * (overview, logs and dashboard link; spec null), a dry run (the expanded spec, and whether it would
 * start now, wait or never fit: ours) or a validation (its logs line).
 */
export const SubmitResponse = wire(
  'SubmitResponse',
  z.object({
    name: z.string(),
    overview: link.nullable().optional(),
    logs: z.string().nullable().optional(),
    spec: z.string().nullable().optional(),
    dashboard_url: link.nullable().optional(),
    warnings: z.array(z.string()).nullable(),
    scheduling: z.string().optional(),
  }),
);
export type SubmitResponse = z.infer<typeof SubmitResponse>;

export const TaskListEntry = wire(
  'TaskListEntry',
  z.object({
    user: z.string(),
    workflow_id: z.string(),
    workflow_uuid: z.string(),
    task_name: z.string(),
    retry_id: z.int(),
    pool: z.string().nullable(),
    node: z.string().nullable(),
    start_time: time,
    end_time: time,
    duration: seconds,
    status: TaskStatus,
    overview: link,
    logs: link,
    error_logs: link.nullable(),
    grafana_url: link.nullable(),
    dashboard_url: link.nullable(),
    storage: z.number(),
    cpu: z.number(),
    memory: z.number(),
    gpu: z.number(),
    priority: Priority,
  }),
);
export type TaskListEntry = z.infer<typeof TaskListEntry>;

export const TaskSummary = wire(
  'TaskSummary',
  z.object({
    user: z.string(),
    pool: z.string().nullable(),
    storage: z.number(),
    cpu: z.number(),
    memory: z.number(),
    gpu: z.number(),
    priority: Priority,
    workflow_id: z.string().nullable().optional(),
  }),
);

/** The task listing, or with `summary`/`aggregate_by_workflow` the totals per user and pool. */
export const TaskList = wire(
  'TaskList',
  z.object({ tasks: z.array(TaskListEntry).optional(), summaries: z.array(TaskSummary).optional() }),
);
export type TaskList = z.infer<typeof TaskList>;
