// Workflow, group and task rows in upstream's wire shapes and field order.
import { z } from 'zod';
import { isFailed } from '../../core/index.js';
import type { TaskStatus } from '../../core/index.js';
import { outputPrefix } from '../../controller/context.js';
import type { GroupSpec } from '../../spec/index.js';
import type { App, Group, Task, TaskAttempt, Workflow, WorkflowSummary } from '../../store/index.js';
import { grafanaUrl, taskDashboardUrl, workflowDashboardUrl, type LinkBackend } from './backend-links.js';
import { seconds, wireTime } from './query-values.js';
import type {
  TaskListEntry,
  TaskOutput,
  WorkflowListEntry,
  WorkflowQuery,
  WorkflowTask,
} from './workflow-wire.js';
import { WorkflowList } from './workflow-wire.js';

export interface Links {
  readonly base: string;
  readonly now: Date;
  /** The backend config of a workflow (by its backend, else its pool's); none means no dashboard links. */
  readonly backendOf?: (w: {
    readonly backend: string | null;
    readonly pool: string | null;
  }) => LinkBackend | undefined;
  /** The storage URL task outputs are kept under (`s3://bucket/prefix`, `file:///...`); none: not shown. */
  readonly outputBase?: string;
}

/**
 * Where a task's results are (our addition, docs/compatibility.md): its `{{output}}` directory as the
 * service keeps it, then each `outputs:` URL and dataset of its spec, so an agent can report results
 * without reading the spec.
 */
function taskOutputs(l: Links, w: Workflow, g: Group, t: Task): z.infer<typeof TaskOutput>[] {
  const kept =
    l.outputBase === undefined ? [] : [{ url: `${l.outputBase}/${outputPrefix(w.workflowId, t.name)}` }];
  const spec = (g.spec as Partial<GroupSpec> | null)?.tasks?.find((s) => s.name === t.name);
  const declared = (spec?.outputs ?? []).map((o) =>
    'url' in o ? { url: o.url } : { dataset: o.dataset, path: o.path },
  );
  return [...kept, ...declared];
}

const workflowLinks = (l: Links, w: WorkflowSummary) => ({
  overview: `${l.base}/workflows/${w.workflowId}`,
  logs: `${l.base}/api/workflow/${w.workflowId}/logs`,
  errorLogs: `${l.base}/api/workflow/${w.workflowId}/error_logs`,
});

const queuedTime = (w: { submitTime: Date; startTime: Date | null; endTime: Date | null }, now: Date) =>
  seconds(w.submitTime, w.startTime ?? w.endTime ?? now);

/** The app a workflow came from, when its row still exists (renames show the current name). */
const appOf = (w: WorkflowSummary, apps: ReadonlyMap<string, App>): App | undefined =>
  w.appUuid === null ? undefined : apps.get(w.appUuid);

export function workflowListEntry(
  l: Links,
  w: WorkflowSummary,
  apps: ReadonlyMap<string, App> = new Map(),
): WorkflowListEntry {
  const links = workflowLinks(l, w);
  return {
    user: w.submittedBy,
    name: w.workflowId,
    workflow_uuid: w.workflowUuid,
    submit_time: wireTime(w.submitTime),
    start_time: wireTime(w.startTime),
    end_time: wireTime(w.endTime),
    queued_time: queuedTime(w, l.now),
    duration: w.startTime === null ? null : seconds(w.startTime, w.endTime ?? l.now),
    status: w.status,
    overview: links.overview,
    logs: links.logs,
    error_logs: isFailed(w.status) ? links.errorLogs : null,
    grafana_url: grafanaUrl(l.backendOf?.(w), w, l.now),
    dashboard_url: workflowDashboardUrl(l.backendOf?.(w), w.workflowUuid),
    pool: w.pool,
    app_owner: appOf(w, apps)?.owner ?? null,
    app_name: appOf(w, apps)?.name ?? null,
    app_version: w.appVersion,
    priority: w.priority,
    labels: w.labels,
  };
}

/**
 * The JSON schema of `GET /api/workflow`'s answer, for Fastify's compiled serialiser, derived from its
 * wire schema: every field in its order, so the compiled writer and the builder above cannot drift.
 */
export const WORKFLOW_LIST_RESPONSE_SCHEMA = (() => {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(WorkflowList, { io: 'output' });
  return schema;
})();

/** Statuses whose attempts have error logs worth linking. */
export function hasErrorLogs(status: TaskStatus): boolean {
  if (status === 'RESCHEDULED') return true;
  const serverSide: readonly TaskStatus[] = [
    'FAILED_UPSTREAM',
    'FAILED_CANCELED',
    'FAILED_EXEC_TIMEOUT',
    'FAILED_QUEUE_TIMEOUT',
    'FAILED_SERVER_ERROR',
    'FAILED_IMAGE_PULL',
    'FAILED_EVICTED',
    'FAILED_START_ERROR',
    'FAILED_START_TIMEOUT',
    'FAILED_PREEMPTED',
    'FAILED_BACKEND_ERROR',
  ];
  return isFailed(status) && !serverSide.includes(status);
}

export const podName = (w: Workflow, t: Task): string =>
  t.podName ?? `${w.workflowUuid.slice(0, 16)}-${t.taskUuid.slice(0, 16)}`;

function taskQueryEntry(l: Links, w: Workflow, g: Group, t: Task): WorkflowTask {
  const base = `${l.base}/api/workflow/${w.workflowId}`;
  return {
    name: t.name,
    retry_id: t.retryId,
    status: t.status,
    failure_message: t.failureMessage,
    exit_code: t.exitCode,
    logs: `${base}/logs?last_n_lines=1000&task_name=${t.name}&retry_id=${t.retryId}`,
    error_logs: hasErrorLogs(t.status)
      ? `${base}/error_logs?task_name=${t.name}&retry_id=${t.retryId}`
      : null,
    processing_start_time: wireTime(g.processingStartTime),
    scheduling_start_time: wireTime(t.schedulingStartTime),
    initializing_start_time: wireTime(t.initializingStartTime),
    events: `${base}/events?task_name=${t.name}&retry_id=${t.retryId}`,
    start_time: wireTime(t.startTime),
    end_time: wireTime(t.endTime),
    input_download_start_time: wireTime(t.inputDownloadStartTime),
    input_download_end_time: wireTime(t.inputDownloadEndTime),
    output_upload_start_time: wireTime(t.outputUploadStartTime),
    dashboard_url: taskDashboardUrl(l.backendOf?.(w), podName(w, t)),
    pod_name: podName(w, t),
    pod_ip: t.podIp,
    task_uuid: t.taskUuid,
    node_name: t.nodeName,
    lead: t.lead,
    outputs: taskOutputs(l, w, g, t),
  };
}

export function workflowQueryResponse(
  l: Links,
  w: Workflow,
  groups: readonly Group[] | null,
  tasks: readonly Task[],
  tags: readonly string[],
  apps: ReadonlyMap<string, App> = new Map(),
): WorkflowQuery {
  const base = `${l.base}/api/workflow/${w.workflowId}`;
  return {
    name: w.workflowId,
    uuid: w.workflowUuid,
    submitted_by: w.submittedBy,
    cancelled_by: w.cancelledBy,
    spec: `${base}/spec`,
    template_spec: `${base}/spec?use_template=true`,
    logs: `${base}/logs?last_n_lines=1000`,
    events: `${base}/events`,
    overview: workflowLinks(l, w).overview,
    parent_name: w.parentName,
    parent_job_id: w.parentJobId,
    dashboard_url: workflowDashboardUrl(l.backendOf?.(w), w.workflowUuid),
    grafana_url: grafanaUrl(l.backendOf?.(w), w, l.now),
    tags: [...tags],
    submit_time: wireTime(w.submitTime),
    start_time: wireTime(w.startTime),
    end_time: wireTime(w.endTime),
    exec_timeout: w.execTimeoutSeconds,
    queue_timeout: w.queueTimeoutSeconds,
    duration: w.startTime === null ? null : seconds(w.startTime, w.endTime ?? l.now),
    queued_time: queuedTime(w, l.now),
    status: w.status,
    outputs: w.outputs,
    groups: (groups ?? []).map((g) => ({
      name: g.name,
      status: g.status,
      start_time: wireTime(g.startTime),
      end_time: wireTime(g.endTime),
      processing_start_time: wireTime(g.processingStartTime),
      scheduling_start_time: wireTime(g.schedulingStartTime),
      initializing_start_time: wireTime(g.initializingStartTime),
      remaining_upstream_groups: [...g.remainingUpstreamGroups],
      downstream_groups: [...g.downstreamGroups],
      failure_message: g.failureMessage,
      tasks: tasks.filter((t) => t.groupName === g.name).map((t) => taskQueryEntry(l, w, g, t)),
    })),
    pool: w.pool,
    backend: w.backend,
    app_owner: appOf(w, apps)?.owner ?? null,
    app_name: appOf(w, apps)?.name ?? null,
    app_version: w.appVersion,
    plugins: w.plugins,
    priority: w.priority,
    labels: w.labels,
    warnings: [],
  };
}

export function taskListEntry(l: Links, t: TaskAttempt): TaskListEntry {
  const base = `${l.base}/api/workflow/${t.workflowId}`;
  return {
    user: t.submittedBy,
    workflow_id: t.workflowId,
    workflow_uuid: t.workflowUuid,
    task_name: t.name,
    retry_id: t.retryId,
    pool: t.pool,
    node: t.nodeName,
    start_time: wireTime(t.startTime),
    end_time: wireTime(t.endTime),
    duration: t.startTime === null ? null : seconds(t.startTime, t.endTime ?? l.now),
    status: t.status,
    overview: `${l.base}/workflows/${t.workflowId}`,
    logs: `${base}/logs?task_name=${t.name}`,
    error_logs: isFailed(t.status) ? `${base}/error_logs?task_name=${t.name}` : null,
    // The window of the task's own run: a task row does not carry its workflow's times.
    grafana_url: grafanaUrl(l.backendOf?.(t), t, l.now),
    dashboard_url: taskDashboardUrl(
      l.backendOf?.(t),
      t.podName ?? `${t.workflowUuid.slice(0, 16)}-${t.taskUuid.slice(0, 16)}`,
    ),
    storage: t.diskGib,
    cpu: t.cpuCount,
    memory: t.memoryGib,
    gpu: t.gpuCount,
    priority: t.priority,
  };
}
