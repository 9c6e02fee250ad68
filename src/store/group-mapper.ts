// Maps a `groups` row to the Group domain record.
import type { GroupStatus } from '../core/index.js';
import { readBool, readJson, readTimeOrNull } from './codec.js';
import type { Row } from './context.js';
import type { Group } from './types.js';

export function toGroup(row: Row<'groups'>): Group {
  return {
    groupUuid: row.group_uuid,
    workflowUuid: row.workflow_uuid,
    workflowId: row.workflow_id,
    name: row.name,
    spec: readJson(row.spec),
    status: row.status as GroupStatus,
    failureMessage: row.failure_message,
    processingStartTime: readTimeOrNull(row.processing_start_time),
    schedulingStartTime: readTimeOrNull(row.scheduling_start_time),
    initializingStartTime: readTimeOrNull(row.initializing_start_time),
    startTime: readTimeOrNull(row.start_time),
    endTime: readTimeOrNull(row.end_time),
    remainingUpstreamGroups: readJson(row.remaining_upstream_groups) as string[],
    downstreamGroups: readJson(row.downstream_groups) as string[],
    cleanedUp: readBool(row.cleaned_up),
  };
}
