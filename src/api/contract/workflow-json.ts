// Workflow, group and task rows in upstream's wire shapes and field order (service-api.md §3.7).
import { isFailed } from '../../core/index.js';
import type { TaskStatus } from '../../core/index.js';
import type { App, Group, Task, TaskAttempt, Workflow } from '../../store/index.js';
import { seconds, wireTime } from './query-values.js';

export interface Links {
  readonly base: string;
  readonly now: Date;
}

const workflowLinks = (l: Links, w: Workflow) => ({
  overview: `${l.base}/workflows/${w.workflowId}`,
  logs: `${l.base}/api/workflow/${w.workflowId}/logs`,
  errorLogs: `${l.base}/api/workflow/${w.workflowId}/error_logs`,
});

const queuedTime = (w: { submitTime: Date; startTime: Date | null; endTime: Date | null }, now: Date) =>
  seconds(w.submitTime, w.startTime ?? w.endTime ?? now);

/** The app a workflow came from, when its row still exists (renames show the current name). */
const appOf = (w: Workflow, apps: ReadonlyMap<string, App>): App | undefined =>
  w.appUuid === null ? undefined : apps.get(w.appUuid);

export function workflowListEntry(l: Links, w: Workflow, apps: ReadonlyMap<string, App> = new Map()): object {
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
    grafana_url: null,
    dashboard_url: null,
    pool: w.pool,
    app_owner: appOf(w, apps)?.owner ?? null,
    app_name: appOf(w, apps)?.name ?? null,
    app_version: w.appVersion,
    priority: w.priority,
    labels: w.labels,
  };
}

/** Statuses whose attempts have error logs worth linking (service-api.md §3.7.4). */
function hasErrorLogs(status: TaskStatus): boolean {
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

function taskQueryEntry(l: Links, w: Workflow, g: Group, t: Task): object {
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
    dashboard_url: null,
    pod_name: podName(w, t),
    pod_ip: t.podIp,
    task_uuid: t.taskUuid,
    node_name: t.nodeName,
    lead: t.lead,
  };
}

export function workflowQueryResponse(
  l: Links,
  w: Workflow,
  groups: readonly Group[] | null,
  tasks: readonly Task[],
  tags: readonly string[],
  apps: ReadonlyMap<string, App> = new Map(),
): object {
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
    dashboard_url: null,
    grafana_url: null,
    tags,
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
      remaining_upstream_groups: g.remainingUpstreamGroups,
      downstream_groups: g.downstreamGroups,
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

export function taskListEntry(l: Links, t: TaskAttempt): object {
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
    grafana_url: null,
    dashboard_url: null,
    storage: t.diskGib,
    cpu: t.cpuCount,
    memory: t.memoryGib,
    gpu: t.gpuCount,
    priority: t.priority,
  };
}
