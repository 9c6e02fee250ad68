// Workflow inserts (with job_id allocation, one transaction each) and guarded workflow updates.
import type { Insertable, Kysely } from 'kysely';
import { isWorkflowFinished } from '../core/index.js';
import type { WorkflowStatus } from '../core/index.js';
import { newUuidHex, writeBool, writeJson, writeTime } from './codec.js';
import type { StoreContext } from './context.js';
import { fillOnce } from './fill-once.js';
import { insertNotificationEvent } from './notifications.js';
import type { WorkflowStatusFields } from './repositories.js';
import type { Database, GroupsTable, TasksTable, WorkflowsTable } from './schema.js';
import type { NewFailedSubmission, NewWorkflow, Workflow } from './types.js';
import { toWorkflow } from './workflow-mapper.js';

// Concurrent submits of one name race for the same job_id; the loser retries with a fresh max.
const JOB_ID_ATTEMPTS = 50;
const INSERT_CHUNK_ROWS = 200;

type WorkflowValues = Omit<Insertable<WorkflowsTable>, 'job_id' | 'workflow_id'>;

export async function createWorkflow(ctx: StoreContext, input: NewWorkflow): Promise<Workflow> {
  const workflowUuid = input.workflowUuid ?? newUuidHex();
  const values: WorkflowValues = {
    workflow_uuid: workflowUuid,
    workflow_name: input.workflowName,
    submitted_by: input.submittedBy,
    cancelled_by: null,
    submit_time: writeTime(input.submitTime),
    start_time: null,
    end_time: null,
    exec_timeout: input.execTimeoutSeconds,
    queue_timeout: input.queueTimeoutSeconds,
    backend: input.backend,
    pool: input.pool,
    version: input.version ?? 2,
    outputs: '',
    status: input.status ?? 'PENDING',
    failure_message: null,
    parent_name: input.parentName ?? null,
    parent_job_id: input.parentJobId ?? null,
    app_uuid: input.appUuid ?? null,
    app_version: input.appVersion ?? null,
    plugins: writeJson(input.plugins ?? { rsync: false }),
    labels: writeJson(input.labels ?? {}),
    priority: input.priority ?? 'NORMAL',
    spec_text: input.specText,
    template_spec_text: input.templateSpecText ?? null,
    spec_json: writeJson(input.specJson),
  };
  return insertWithJobId(ctx, values, async (db, workflowId) => {
    await insertChildren(db, input, workflowUuid, workflowId);
  });
}

export async function createFailedSubmission(
  ctx: StoreContext,
  input: NewFailedSubmission,
): Promise<Workflow> {
  const values: WorkflowValues = {
    workflow_uuid: input.workflowUuid ?? newUuidHex(),
    workflow_name: input.workflowName,
    submitted_by: input.submittedBy,
    cancelled_by: null,
    submit_time: writeTime(input.submitTime),
    // A failed submission never runs: it ends the moment it is recorded.
    start_time: null,
    end_time: writeTime(input.submitTime),
    exec_timeout: null,
    queue_timeout: null,
    backend: input.backend ?? null,
    pool: input.pool,
    version: 2,
    outputs: '',
    status: 'FAILED_SUBMISSION',
    failure_message: input.failureMessage,
    parent_name: null,
    parent_job_id: null,
    app_uuid: input.appUuid ?? null,
    app_version: input.appVersion ?? null,
    plugins: writeJson({ rsync: false }),
    labels: writeJson(input.labels ?? {}),
    priority: input.priority ?? 'NORMAL',
    spec_text: input.specText ?? '',
    template_spec_text: input.templateSpecText ?? null,
    spec_json: null,
  };
  return insertWithJobId(ctx, values, async () => {});
}

async function insertWithJobId(
  ctx: StoreContext,
  values: WorkflowValues,
  insertRest: (db: Kysely<Database>, workflowId: string) => Promise<void>,
): Promise<Workflow> {
  let triedJobId = 0;
  const attempt = async (db: Kysely<Database>): Promise<Workflow> => {
    const { max } = await db
      .selectFrom('workflows')
      .select((eb) => eb.fn.max('job_id').as('max'))
      .where('workflow_name', '=', values.workflow_name)
      .executeTakeFirstOrThrow();
    triedJobId = (max === null ? 0 : Number(max)) + 1;
    const workflowId = `${values.workflow_name}-${triedJobId}`;
    const row = await db
      .insertInto('workflows')
      .values({ ...values, job_id: triedJobId, workflow_id: workflowId })
      .returningAll()
      .executeTakeFirstOrThrow();
    await insertRest(db, workflowId);
    return toWorkflow(row);
  };
  // Inside a caller's transaction a conflict aborts that transaction, so there is no retry there.
  if (ctx.db.isTransaction) return attempt(ctx.db);
  for (let tries = 1; ; tries++) {
    try {
      return await ctx.db.transaction().execute(attempt);
    } catch (err) {
      const lostRace = ctx.dialect.isUniqueViolation(err) && (await isJobIdTaken(ctx, values, triedJobId));
      if (!lostRace || tries >= JOB_ID_ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * tries));
    }
  }
}

// Only a race for the job id is retried; any other unique violation is the caller's bad input.
async function isJobIdTaken(ctx: StoreContext, values: WorkflowValues, jobId: number): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('workflows')
    .select('workflow_uuid')
    .where((eb) =>
      eb.or([
        eb.and([eb('workflow_name', '=', values.workflow_name), eb('job_id', '=', jobId)]),
        eb('workflow_id', '=', `${values.workflow_name}-${jobId}`),
      ]),
    )
    .where('workflow_uuid', '!=', values.workflow_uuid)
    .executeTakeFirst();
  return row !== undefined;
}

async function insertChildren(
  db: Kysely<Database>,
  input: NewWorkflow,
  workflowUuid: string,
  workflowId: string,
): Promise<void> {
  const groups: Insertable<GroupsTable>[] = [];
  const tasks: Insertable<TasksTable>[] = [];
  for (const group of input.groups) {
    groups.push({
      group_uuid: group.groupUuid ?? newUuidHex(),
      workflow_uuid: workflowUuid,
      workflow_id: workflowId,
      name: group.name,
      spec: writeJson(group.spec),
      status: group.status ?? 'SUBMITTING',
      failure_message: null,
      remaining_upstream_groups: writeJson(group.remainingUpstreamGroups),
      downstream_groups: writeJson(group.downstreamGroups),
      cleaned_up: writeBool(false),
    });
    for (const task of group.tasks) {
      tasks.push({
        task_db_key: newUuidHex(),
        workflow_uuid: workflowUuid,
        workflow_id: workflowId,
        name: task.name,
        retry_id: 0,
        task_uuid: task.taskUuid ?? newUuidHex(),
        group_name: group.name,
        status: task.status ?? 'WAITING',
        gpu_count: task.gpuCount,
        cpu_count: task.cpuCount,
        disk_count: task.diskGib,
        memory_count: task.memoryGib,
        exit_actions: writeJson(task.exitActions ?? {}),
        lead: writeBool(task.lead),
        pod_name: task.podName ?? null,
        gpu_indices: writeJson([]),
      });
    }
  }
  for (let i = 0; i < groups.length; i += INSERT_CHUNK_ROWS) {
    await db
      .insertInto('groups')
      .values(groups.slice(i, i + INSERT_CHUNK_ROWS))
      .execute();
  }
  for (let i = 0; i < tasks.length; i += INSERT_CHUNK_ROWS) {
    await db
      .insertInto('tasks')
      .values(tasks.slice(i, i + INSERT_CHUNK_ROWS))
      .execute();
  }
  const tags = [...new Set(input.tags ?? [])];
  if (tags.length > 0) {
    await db
      .insertInto('workflow_tags')
      .values(tags.map((tag) => ({ workflow_uuid: workflowUuid, tag })))
      .execute();
  }
}

export async function setWorkflowStatus(
  ctx: StoreContext,
  workflowUuid: string,
  to: WorkflowStatus,
  allowedFrom: readonly WorkflowStatus[],
  fields: WorkflowStatusFields = {},
): Promise<boolean> {
  if (allowedFrom.length === 0) return false;
  const at = fields.at ?? new Date();
  const write = async (db: Kysely<Database>): Promise<boolean> => {
    const changed = await updateWorkflowStatus(db, workflowUuid, to, allowedFrom, fields, at);
    // The notification outbox: written with the final status, so a crash keeps both or neither.
    if (changed && isWorkflowFinished(to)) await insertNotificationEvent(db, workflowUuid, 'ENDED', to, at);
    return changed;
  };
  if (!isWorkflowFinished(to) || ctx.db.isTransaction) return write(ctx.db);
  return ctx.db.transaction().execute(write);
}

async function updateWorkflowStatus(
  db: Kysely<Database>,
  workflowUuid: string,
  to: WorkflowStatus,
  allowedFrom: readonly WorkflowStatus[],
  fields: WorkflowStatusFields,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('workflows')
    .set({
      status: to,
      ...(to === 'RUNNING' ? { start_time: fillOnce('start_time', at) } : {}),
      ...(isWorkflowFinished(to) ? { end_time: fillOnce('end_time', at) } : {}),
      ...(fields.failureMessage !== undefined ? { failure_message: fields.failureMessage } : {}),
      ...(fields.outputs !== undefined ? { outputs: fields.outputs } : {}),
    })
    .where('workflow_uuid', '=', workflowUuid)
    .where('status', 'in', allowedFrom)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function setCancelledBy(
  ctx: StoreContext,
  workflowUuid: string,
  user: string,
): Promise<boolean> {
  const result = await ctx.db
    .updateTable('workflows')
    .set({ cancelled_by: user })
    .where('workflow_uuid', '=', workflowUuid)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
