// Counts for the service's metrics, each answered from an index: alive workflows and tasks by pool
// and status (alive rows only, so the cost follows the live workload, not the history), and the
// tasks that started or ended inside a time window (a range of the start and end time indexes).
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { readTime, writeTime } from './codec.js';

export interface PoolStatusCount {
  readonly pool: string;
  readonly status: string;
  readonly count: number;
}

export interface TaskTimes {
  readonly pool: string;
  readonly status: string;
  readonly schedulingStart: Date | null;
  readonly initializingStart: Date | null;
  readonly start: Date | null;
  readonly end: Date | null;
}

/** Workflows in `statuses`, counted per pool and status (`workflows_status_idx`). */
export async function countWorkflows(
  db: Kysely<Database>,
  statuses: readonly string[],
): Promise<PoolStatusCount[]> {
  if (statuses.length === 0) return [];
  const rows = await db
    .selectFrom('workflows')
    .select(['pool', 'status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('status', 'in', statuses)
    .groupBy(['pool', 'status'])
    .execute();
  return rows.map((r) => ({ pool: r.pool ?? '', status: r.status, count: Number(r.n) }));
}

export interface PoolStatusTasks extends PoolStatusCount {
  /** GPUs the tasks asked for. */
  readonly gpus: number;
}

/** Tasks in `statuses`, counted (and their GPUs summed) per pool and status (`tasks_status_idx`). */
export async function countTasks(
  db: Kysely<Database>,
  statuses: readonly string[],
): Promise<PoolStatusTasks[]> {
  if (statuses.length === 0) return [];
  const rows = await db
    .selectFrom('tasks as t')
    .innerJoin('workflows as w', 'w.workflow_uuid', 't.workflow_uuid')
    .select([
      'w.pool as pool',
      't.status as status',
      (eb) => eb.fn.countAll<number | string>().as('n'),
      (eb) => eb.fn.sum<number | string | null>('t.gpu_count').as('gpus'),
    ])
    .where('t.status', 'in', statuses)
    .groupBy(['w.pool', 't.status'])
    .execute();
  return rows.map((r) => ({
    pool: r.pool ?? '',
    status: r.status,
    count: Number(r.n),
    gpus: Number(r.gpus ?? 0),
  }));
}

/** The oldest scheduling start among tasks in `status`, per pool: how long the queue's head has waited. */
export async function oldestSchedulingStart(
  db: Kysely<Database>,
  status: string,
): Promise<{ readonly pool: string; readonly since: Date }[]> {
  const rows = await db
    .selectFrom('tasks as t')
    .innerJoin('workflows as w', 'w.workflow_uuid', 't.workflow_uuid')
    .select(['w.pool as pool', (eb) => eb.fn.min('t.scheduling_start_time').as('since')])
    .where('t.status', '=', status)
    .groupBy('w.pool')
    .execute();
  return rows.flatMap((r) =>
    r.since === null || r.since === undefined
      ? []
      : [{ pool: r.pool ?? '', since: readTime(r.since as string) }],
  );
}

/**
 * Tasks whose `column` time lies in (from, to]: the attempts that started running, or ended, in
 * a scrape's window. `statuses` lists every status so the (status, start_time) index serves it.
 */
export async function tasksTimedIn(
  db: Kysely<Database>,
  column: 'start_time' | 'end_time',
  from: Date,
  to: Date,
  statuses: readonly string[],
): Promise<TaskTimes[]> {
  const rows = await db
    .selectFrom('tasks as t')
    .innerJoin('workflows as w', 'w.workflow_uuid', 't.workflow_uuid')
    .select([
      'w.pool as pool',
      't.status as status',
      't.scheduling_start_time as scheduling',
      't.initializing_start_time as initializing',
      't.start_time as start',
      't.end_time as end',
    ])
    .$if(column === 'start_time', (q) => q.where('t.status', 'in', statuses))
    .where(`t.${column}`, '>', writeTime(from))
    .where(`t.${column}`, '<=', writeTime(to))
    .execute();
  const time = (v: Date | string | null): Date | null => (v === null ? null : readTime(v));
  return rows.map((r) => ({
    pool: r.pool ?? '',
    status: r.status,
    schedulingStart: time(r.scheduling),
    initializingStart: time(r.initializing),
    start: time(r.start),
    end: time(r.end),
  }));
}
