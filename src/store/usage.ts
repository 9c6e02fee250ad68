// Resource usage from the allocation records: each attempt holds its requested GPUs, CPUs and memory from
// its placement to its end, summed per user, pool, workflow or task over a time window in one SQL query.
import { sql, type Expression, type RawBuilder } from 'kysely';
import type { StoreContext } from './context.js';
import { writeTime } from './codec.js';

export const USAGE_GROUPINGS = ['user', 'pool', 'workflow', 'task'] as const;
export type UsageGrouping = (typeof USAGE_GROUPINGS)[number];

export interface UsageQuery {
  readonly groupBy: UsageGrouping;
  readonly since: Date;
  readonly until: Date;
  /** Attempts still holding resources count up to this time. */
  readonly now: Date;
  /** Empty: every user. */
  readonly users?: readonly string[];
  readonly pools?: readonly string[];
  /** One workflow's usage (by its uuid), as `workflow query` shows it. */
  readonly workflowUuid?: string;
}

export interface UsageRow {
  readonly user: string | null;
  readonly pool: string | null;
  readonly workflowId: string | null;
  readonly taskName: string | null;
  /** Attempts that held resources in the window. */
  readonly attempts: number;
  readonly gpuHours: number;
  readonly cpuHours: number;
  readonly memoryGibHours: number;
}

export interface UsageRepository {
  summarize(query: UsageQuery): Promise<UsageRow[]>;
}

const KEYS: Record<UsageGrouping, readonly ('user' | 'pool' | 'workflow' | 'task')[]> = {
  user: ['user'],
  pool: ['pool'],
  workflow: ['workflow', 'user', 'pool'],
  task: ['workflow', 'task', 'user', 'pool'],
};

const COLUMN = {
  user: 'w.submitted_by',
  pool: 'w.pool',
  workflow: 'w.workflow_id',
  task: 't.name',
} as const;

const num = (value: number): RawBuilder<number> => sql<number>`CAST(${value} AS DOUBLE PRECISION)`;
const larger = (a: Expression<number>, b: Expression<number>): RawBuilder<number> =>
  sql<number>`(CASE WHEN ${a} > ${b} THEN ${a} ELSE ${b} END)`;
const smaller = (a: Expression<number>, b: Expression<number>): RawBuilder<number> =>
  sql<number>`(CASE WHEN ${a} < ${b} THEN ${a} ELSE ${b} END)`;

export function createUsageRepository(ctx: StoreContext): UsageRepository {
  return {
    async summarize(q) {
      // Resources are held from placement (initializing: image pull and inputs hold the GPUs too) to the end.
      const heldFrom = sql<string>`coalesce(t.initializing_start_time, t.start_time)`;
      const epoch = (e: Expression<unknown>): RawBuilder<number> => ctx.dialect.epochSeconds(e);
      const nowS = num(q.now.getTime() / 1000);
      const heldTo = sql<number>`(CASE WHEN t.end_time IS NULL THEN ${nowS} ELSE ${epoch(sql.ref('t.end_time'))} END)`;
      const lo = larger(epoch(heldFrom), num(q.since.getTime() / 1000));
      const hi = smaller(heldTo, num(q.until.getTime() / 1000));
      const seconds = sql<number>`(CASE WHEN ${hi} > ${lo} THEN ${hi} - ${lo} ELSE 0 END)`;
      const keys = KEYS[q.groupBy];
      let query = ctx.db
        .selectFrom('tasks as t')
        .innerJoin('workflows as w', 'w.workflow_uuid', 't.workflow_uuid')
        .select((eb) => [
          ...keys.map((k) => eb.ref(COLUMN[k]).as(k)),
          eb.fn.countAll<number | string>().as('attempts'),
          sql<number | string | null>`sum(t.gpu_count * ${seconds}) / 3600.0`.as('gpu_hours'),
          sql<number | string | null>`sum(t.cpu_count * ${seconds}) / 3600.0`.as('cpu_hours'),
          sql<number | string | null>`sum(t.memory_count * ${seconds}) / 3600.0`.as('memory_gib_hours'),
        ])
        // Only attempts whose holding overlaps the window: ended after it began (or not ended), placed before it ended.
        .where((eb) => eb.or([eb('t.end_time', '>', writeTime(q.since)), eb('t.end_time', 'is', null)]))
        .where(heldFrom, '<', writeTime(q.until));
      if (q.users !== undefined && q.users.length > 0)
        query = query.where('w.submitted_by', 'in', [...q.users]);
      if (q.pools !== undefined && q.pools.length > 0) query = query.where('w.pool', 'in', [...q.pools]);
      if (q.workflowUuid !== undefined) query = query.where('t.workflow_uuid', '=', q.workflowUuid);
      const rows = (await query
        .groupBy(keys.map((k) => COLUMN[k]))
        .orderBy('gpu_hours', 'desc')
        .orderBy(keys[0] ?? 'user')
        .execute()) as unknown as Record<string, string | number | null>[];
      return rows.map((r) => ({
        user: keys.includes('user') ? String(r.user ?? '') : null,
        pool: keys.includes('pool') ? String(r.pool ?? '') : null,
        workflowId: keys.includes('workflow') ? String(r.workflow ?? '') : null,
        taskName: keys.includes('task') ? String(r.task ?? '') : null,
        attempts: Number(r.attempts ?? 0),
        gpuHours: Number(r.gpu_hours ?? 0),
        cpuHours: Number(r.cpu_hours ?? 0),
        memoryGibHours: Number(r.memory_gib_hours ?? 0),
      }));
    },
  };
}
