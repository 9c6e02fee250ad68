// Task reads across workflows: GET /api/task listing and its usage summaries.
import { sql } from 'kysely';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Priority } from '../core/index.js';
import { readNumber, writeTime } from './codec.js';
import type { Row, StoreContext } from './context.js';
import type { Page, TaskAttempt, TaskListFilters, TaskUsageSummary } from './repositories.js';
import type { Database } from './schema.js';
import { toTask } from './task-mapper.js';
import { DEFAULT_LIST_LIMIT, checkPaging } from './workflow-queries.js';

// Launched attempts are listed before everything else.
const LISTED_FIRST = ['SCHEDULING', 'INITIALIZING', 'RUNNING'] as const;

type AttemptRow = Row<'tasks'> & {
  pool: string | null;
  backend: string | null;
  submitted_by: string;
  priority: string;
};
type AttemptEb = ExpressionBuilder<Database & { t: Database['tasks']; w: Database['workflows'] }, 't' | 'w'>;

export function selectAttempts(ctx: StoreContext) {
  return ctx.db
    .selectFrom('tasks as t')
    .innerJoin('workflows as w', 'w.workflow_uuid', 't.workflow_uuid')
    .selectAll('t')
    .select(['w.pool', 'w.backend', 'w.submitted_by', 'w.priority']);
}

export function toTaskAttempt(row: AttemptRow): TaskAttempt {
  return {
    ...toTask(row),
    pool: row.pool,
    backend: row.backend,
    submittedBy: row.submitted_by,
    priority: row.priority as Priority,
  };
}

function taskFilter(ctx: StoreContext, f: TaskListFilters): (eb: AttemptEb) => Expression<SqlBool> {
  return (eb) => {
    const all: Expression<SqlBool>[] = [];
    if (f.workflowId !== undefined && f.workflowId !== '') {
      all.push(ctx.dialect.wildcardMatch(eb.ref('t.workflow_id'), ['', f.workflowId, '']));
    }
    if (f.statuses && f.statuses.length > 0) all.push(eb('t.status', 'in', f.statuses));
    if (f.users && f.users.length > 0) all.push(eb('w.submitted_by', 'in', f.users));
    if (f.pools && f.pools.length > 0) all.push(eb('w.pool', 'in', f.pools));
    if (f.nodes && f.nodes.length > 0) all.push(eb('t.node_name', 'in', f.nodes));
    if (f.priorities && f.priorities.length > 0) all.push(eb('w.priority', 'in', f.priorities));
    if (f.startedAfter) {
      all.push(eb.or([eb('t.start_time', '>=', writeTime(f.startedAfter)), eb('t.start_time', 'is', null)]));
    }
    if (f.startedBefore) all.push(eb('t.start_time', '<', writeTime(f.startedBefore)));
    return eb.and(all);
  };
}

export async function listTasksForApi(
  ctx: StoreContext,
  filters: TaskListFilters,
): Promise<Page<TaskAttempt>> {
  const offset = filters.offset ?? 0;
  const limit = filters.limit ?? DEFAULT_LIST_LIMIT;
  checkPaging(offset, limit);
  const dir = filters.order === 'DESC' ? 'desc' : 'asc';
  const launched = LISTED_FIRST.map((s) => sql.lit(s));
  // Not-started attempts count as the newest: last in ASC, first in DESC, on both databases.
  const rows = await selectAttempts(ctx)
    .where(taskFilter(ctx, filters))
    .orderBy(sql`case when t.status in (${sql.join(launched)}) then 0 else 1 end`)
    .orderBy(sql`case when t.start_time is null then 1 else 0 end`, dir)
    .orderBy('t.start_time', dir)
    .orderBy('t.workflow_id', dir)
    .orderBy('t.name', dir)
    .orderBy('t.retry_id', dir)
    .limit(limit + 1)
    .offset(offset)
    .execute();
  return { rows: rows.slice(0, limit).map(toTaskAttempt), moreEntries: rows.length > limit };
}

export async function summarizeTasks(
  ctx: StoreContext,
  filters: TaskListFilters,
  byWorkflow: boolean,
): Promise<TaskUsageSummary[]> {
  const base = ctx.db
    .selectFrom('tasks as t')
    .innerJoin('workflows as w', 'w.workflow_uuid', 't.workflow_uuid')
    .where(taskFilter(ctx, filters))
    .where('w.pool', 'is not', null)
    .select((eb) => [
      'w.submitted_by',
      'w.pool',
      'w.priority',
      eb.fn.sum<number | string>('t.disk_count').as('disk'),
      eb.fn.sum<number | string>('t.cpu_count').as('cpu'),
      eb.fn.sum<number | string>('t.memory_count').as('memory'),
      eb.fn.sum<number | string>('t.gpu_count').as('gpu'),
    ])
    .groupBy(['w.submitted_by', 'w.pool', 'w.priority'])
    .orderBy('w.submitted_by')
    .orderBy('w.pool')
    .orderBy('w.priority');
  const query = byWorkflow
    ? base.select('t.workflow_id').groupBy('t.workflow_id').orderBy('t.workflow_id')
    : base;
  const rows = await query.execute();
  return rows.map((r) => ({
    user: r.submitted_by,
    pool: r.pool ?? '',
    priority: r.priority as Priority,
    workflowId: 'workflow_id' in r && typeof r.workflow_id === 'string' ? r.workflow_id : null,
    diskGib: readNumber(r.disk),
    cpuCount: readNumber(r.cpu),
    memoryGib: readNumber(r.memory),
    gpuCount: readNumber(r.gpu),
  }));
}
