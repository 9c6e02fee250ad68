// The task repository: attempts (one row per retry), guarded status writes, recovery reads.
import type { TaskStatus } from '../core/index.js';
import { databaseError } from '../core/index.js';
import { newUuidHex, readBool, readJson, writeBool, writeJson } from './codec.js';
import type { StoreContext } from './context.js';
import type { TaskAttempt, TaskRepository } from './repositories.js';
import type { Task } from './types.js';
import { taskFieldValues } from './task-fields.js';
import { listTasksForApi, selectAttempts, summarizeTasks, toTaskAttempt } from './task-list.js';
import { toTask } from './task-mapper.js';

const LAUNCHED_STATUSES: readonly TaskStatus[] = ['SCHEDULING', 'INITIALIZING', 'RUNNING'];
const ATTEMPT_PAGE_ROWS = 500;
const NAME_CHUNK = 500;

export function createTaskRepository(ctx: StoreContext): TaskRepository {
  const get: TaskRepository['get'] = async (taskDbKey) => {
    const row = await ctx.db
      .selectFrom('tasks')
      .selectAll()
      .where('task_db_key', '=', taskDbKey)
      .executeTakeFirst();
    return row ? toTask(row) : null;
  };
  return {
    get,
    async listByWorkflow(workflowUuid, options = {}) {
      let query = ctx.db.selectFrom('tasks as t').selectAll('t').where('t.workflow_uuid', '=', workflowUuid);
      if (options.allRetries !== true) {
        query = query.where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('tasks as newer')
                .select('newer.task_db_key')
                .whereRef('newer.workflow_uuid', '=', 't.workflow_uuid')
                .whereRef('newer.name', '=', 't.name')
                .whereRef('newer.retry_id', '>', 't.retry_id'),
            ),
          ),
        );
      }
      const rows = await query.orderBy('t.name').orderBy('t.retry_id', 'desc').execute();
      return rows.map(toTask);
    },
    async getLatest(workflowUuid, taskName) {
      const row = await ctx.db
        .selectFrom('tasks')
        .selectAll()
        .where('workflow_uuid', '=', workflowUuid)
        .where('name', '=', taskName)
        .orderBy('retry_id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? toTask(row) : null;
    },
    async insertRetry(previousTaskDbKey, status) {
      const previous = await ctx.db
        .selectFrom('tasks')
        .selectAll()
        .where('task_db_key', '=', previousTaskDbKey)
        .executeTakeFirst();
      if (!previous) throw databaseError(`Task attempt ${previousTaskDbKey} is not found.`);
      const { max } = await ctx.db
        .selectFrom('tasks')
        .select((eb) => eb.fn.max('retry_id').as('max'))
        .where('task_uuid', '=', previous.task_uuid)
        .executeTakeFirstOrThrow();
      const row = await ctx.db
        .insertInto('tasks')
        .values({
          task_db_key: newUuidHex(),
          workflow_uuid: previous.workflow_uuid,
          workflow_id: previous.workflow_id,
          name: previous.name,
          retry_id: Number(max ?? previous.retry_id) + 1,
          task_uuid: previous.task_uuid,
          group_name: previous.group_name,
          status,
          gpu_count: previous.gpu_count,
          cpu_count: previous.cpu_count,
          disk_count: previous.disk_count,
          memory_count: previous.memory_count,
          exit_actions: writeJson(readJson(previous.exit_actions)),
          lead: writeBool(readBool(previous.lead)),
          gpu_indices: writeJson([]),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toTask(row);
    },
    async setStatus(taskDbKey, to, allowedFrom, fields = {}) {
      if (allowedFrom.length === 0) return false;
      const result = await ctx.db
        .updateTable('tasks')
        .set({ ...taskFieldValues(fields), status: to })
        .where('task_db_key', '=', taskDbKey)
        .where('status', 'in', allowedFrom)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async update(taskDbKey, fields) {
      const set = taskFieldValues(fields);
      if (Object.keys(set).length === 0) return;
      await ctx.db.updateTable('tasks').set(set).where('task_db_key', '=', taskDbKey).execute();
    },
    async listRunningAttempts(statuses = LAUNCHED_STATUSES) {
      if (statuses.length === 0) return [];
      // In pages, so a queue of thousands is never one long synchronous read on SQLite.
      const attempts: TaskAttempt[] = [];
      for (;;) {
        const last = attempts[attempts.length - 1];
        const rows = await selectAttempts(ctx)
          .where('t.status', 'in', statuses)
          .$if(last !== undefined, (q) =>
            q.where((eb) =>
              eb(
                eb.refTuple('t.workflow_id', 't.name', 't.retry_id'),
                '>',
                eb.tuple(last?.workflowId ?? '', last?.name ?? '', last?.retryId ?? 0),
              ),
            ),
          )
          .orderBy('t.workflow_id')
          .orderBy('t.name')
          .orderBy('t.retry_id')
          .limit(ATTEMPT_PAGE_ROWS)
          .execute();
        for (const row of rows) attempts.push(toTaskAttempt(row));
        if (rows.length < ATTEMPT_PAGE_ROWS) return attempts;
      }
    },
    listForApi: (filters) => listTasksForApi(ctx, filters),
    summarize: (filters, options = {}) => summarizeTasks(ctx, filters, options.byWorkflow === true),
    async getAttempt(workflowUuid, taskName, retryId) {
      const row = await ctx.db
        .selectFrom('tasks')
        .selectAll()
        .where('workflow_uuid', '=', workflowUuid)
        .where('name', '=', taskName)
        .where('retry_id', '=', retryId)
        .executeTakeFirst();
      return row ? toTask(row) : null;
    },
    async listLatestByNames(workflowUuid, taskNames) {
      // By name through the (workflow, name, retry) index, in chunks that stay under bound-parameter limits.
      const tasks: Task[] = [];
      for (let i = 0; i < taskNames.length; i += NAME_CHUNK) {
        const rows = await ctx.db
          .selectFrom('tasks as t')
          .selectAll('t')
          .where('t.workflow_uuid', '=', workflowUuid)
          .where('t.name', 'in', taskNames.slice(i, i + NAME_CHUNK))
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('tasks as newer')
                  .select('newer.task_db_key')
                  .whereRef('newer.workflow_uuid', '=', 't.workflow_uuid')
                  .whereRef('newer.name', '=', 't.name')
                  .whereRef('newer.retry_id', '>', 't.retry_id'),
              ),
            ),
          )
          .execute();
        for (const row of rows) tasks.push(toTask(row));
      }
      return tasks.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
  };
}
