// Turns TaskFields into the `tasks` columns they write: times fill once, the rest overwrite.
import type { RawBuilder } from 'kysely';
import { writeJson, writeTime } from './codec.js';
import { fillTimes } from './fill-once.js';
import type { TaskFields } from './repositories.js';

type TaskColumnValues = Record<string, string | number | null | RawBuilder<string>>;

export function taskFieldValues(fields: TaskFields): TaskColumnValues {
  const set: TaskColumnValues = {
    ...fillTimes([
      ['scheduling_start_time', fields.schedulingStartTime],
      ['initializing_start_time', fields.initializingStartTime],
      ['start_time', fields.startTime],
      ['end_time', fields.endTime],
      ['input_download_start_time', fields.inputDownloadStartTime],
      ['input_download_end_time', fields.inputDownloadEndTime],
      ['output_upload_start_time', fields.outputUploadStartTime],
      ['output_upload_end_time', fields.outputUploadEndTime],
    ]),
  };
  if (fields.lastHeartbeat !== undefined) set['last_heartbeat'] = writeTime(fields.lastHeartbeat);
  if (fields.exitCode !== undefined) set['exit_code'] = fields.exitCode;
  if (fields.failureMessage !== undefined) set['failure_message'] = fields.failureMessage;
  if (fields.nodeName !== undefined) set['node_name'] = fields.nodeName;
  if (fields.podName !== undefined) set['pod_name'] = fields.podName;
  if (fields.podIp !== undefined) set['pod_ip'] = fields.podIp;
  if (fields.gpuIndices !== undefined) set['gpu_indices'] = writeJson([...fields.gpuIndices]);
  return set;
}
