// Maps a `workflows` row to the Workflow domain record, or one without its spec columns to a summary.
import type { Priority, WorkflowStatus } from '../core/index.js';
import { readJson, readTime, readTimeOrNull } from './codec.js';
import type { Row } from './context.js';
import type { Labels, Plugins, Workflow, WorkflowSummary } from './types.js';

/** The columns a summary is read from: all but the spec texts. */
export const SUMMARY_COLUMNS = [
  'workflow_uuid',
  'workflow_name',
  'job_id',
  'workflow_id',
  'submitted_by',
  'cancelled_by',
  'submit_time',
  'start_time',
  'end_time',
  'exec_timeout',
  'queue_timeout',
  'backend',
  'pool',
  'version',
  'outputs',
  'status',
  'failure_message',
  'parent_name',
  'parent_job_id',
  'app_uuid',
  'app_version',
  'plugins',
  'labels',
  'priority',
] as const;

type SummaryRow = Pick<Row<'workflows'>, (typeof SUMMARY_COLUMNS)[number]>;

export function toWorkflowSummary(row: SummaryRow): WorkflowSummary {
  return {
    workflowUuid: row.workflow_uuid,
    workflowName: row.workflow_name,
    jobId: Number(row.job_id),
    workflowId: row.workflow_id,
    submittedBy: row.submitted_by,
    cancelledBy: row.cancelled_by,
    submitTime: readTime(row.submit_time),
    startTime: readTimeOrNull(row.start_time),
    endTime: readTimeOrNull(row.end_time),
    execTimeoutSeconds: row.exec_timeout,
    queueTimeoutSeconds: row.queue_timeout,
    backend: row.backend,
    pool: row.pool,
    version: row.version,
    outputs: row.outputs,
    status: row.status as WorkflowStatus,
    failureMessage: row.failure_message,
    parentName: row.parent_name,
    parentJobId: row.parent_job_id,
    appUuid: row.app_uuid,
    appVersion: row.app_version,
    plugins: readJson(row.plugins) as Plugins,
    labels: readJson(row.labels) as Labels,
    priority: row.priority as Priority,
  };
}

export function toWorkflow(row: Row<'workflows'>): Workflow {
  let spec: unknown;
  let specParsed = false;
  return {
    ...toWorkflowSummary(row),
    specText: row.spec_text,
    templateSpecText: row.template_spec_text,
    // Lists of alive workflows are read on every engine beat; most readers never look at the spec.
    get specJson(): unknown {
      if (!specParsed) {
        spec = readJson(row.spec_json);
        specParsed = true;
      }
      return spec;
    },
  };
}
