// Maps a `tasks` row to the Task domain record.
import type { TaskStatus } from '../core/index.js';
import { readBool, readJson, readTimeOrNull } from './codec.js';
import type { Row } from './context.js';
import type { Task } from './types.js';

export function toTask(row: Row<'tasks'>): Task {
  return {
    taskDbKey: row.task_db_key,
    workflowUuid: row.workflow_uuid,
    workflowId: row.workflow_id,
    name: row.name,
    retryId: row.retry_id,
    taskUuid: row.task_uuid,
    groupName: row.group_name,
    status: row.status as TaskStatus,
    failureMessage: row.failure_message,
    exitCode: row.exit_code,
    schedulingStartTime: readTimeOrNull(row.scheduling_start_time),
    initializingStartTime: readTimeOrNull(row.initializing_start_time),
    startTime: readTimeOrNull(row.start_time),
    endTime: readTimeOrNull(row.end_time),
    inputDownloadStartTime: readTimeOrNull(row.input_download_start_time),
    inputDownloadEndTime: readTimeOrNull(row.input_download_end_time),
    outputUploadStartTime: readTimeOrNull(row.output_upload_start_time),
    outputUploadEndTime: readTimeOrNull(row.output_upload_end_time),
    lastHeartbeat: readTimeOrNull(row.last_heartbeat),
    nodeName: row.node_name,
    gpuCount: row.gpu_count,
    cpuCount: row.cpu_count,
    diskGib: row.disk_count,
    memoryGib: row.memory_count,
    exitActions: readJson(row.exit_actions),
    lead: readBool(row.lead),
    podName: row.pod_name,
    podIp: row.pod_ip,
    gpuIndices: readJson(row.gpu_indices) as number[],
  };
}
