// Workflow reads: by id or uuid, the filtered and paginated list of GET /api/workflow, alive ones.
import { sql } from 'kysely';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { usageError } from '../core/index.js';
import { writeTime } from './codec.js';
import type { StoreContext } from './context.js';
import { parseLabelSelectors } from './label-selector.js';
import type { Page, WorkflowListFilters } from './repositories.js';
import type { Database } from './schema.js';
import type { Workflow, WorkflowSummary } from './types.js';
import { SUMMARY_COLUMNS, toWorkflow, toWorkflowSummary } from './workflow-mapper.js';

export const DEFAULT_LIST_LIMIT = 20;
export const MAX_LIST_LIMIT = 1000;
const ALIVE_WORKFLOW_STATUSES = ['PENDING', 'RUNNING', 'WAITING'] as const;
const UUID_HEX = /^[0-9a-f]{32}$/;

type WorkflowsEb = ExpressionBuilder<Database, 'workflows'>;

export async function getWorkflow(ctx: StoreContext, idOrUuid: string): Promise<Workflow | null> {
  const row = await ctx.db
    .selectFrom('workflows')
    .selectAll()
    .where((eb) =>
      UUID_HEX.test(idOrUuid)
        ? eb.or([eb('workflow_uuid', '=', idOrUuid), eb('workflow_id', '=', idOrUuid)])
        : eb('workflow_id', '=', idOrUuid),
    )
    .executeTakeFirst();
  return row ? toWorkflow(row) : null;
}

export async function listAliveWorkflows(ctx: StoreContext): Promise<Workflow[]> {
  const rows = await ctx.db
    .selectFrom('workflows')
    .selectAll()
    .where('status', 'in', ALIVE_WORKFLOW_STATUSES)
    .orderBy('submit_time')
    .orderBy('workflow_uuid')
    .execute();
  return rows.map(toWorkflow);
}

export async function listAliveWorkflowIds(ctx: StoreContext): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('workflows')
    .select('workflow_uuid')
    .where('status', 'in', ALIVE_WORKFLOW_STATUSES)
    .orderBy('submit_time')
    .orderBy('workflow_uuid')
    .execute();
  return rows.map((r) => r.workflow_uuid);
}

export async function distinctUsers(ctx: StoreContext): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('workflows')
    .select('submitted_by')
    .distinct()
    .orderBy('submitted_by')
    .execute();
  return rows.map((r) => r.submitted_by);
}

export function checkPaging(offset: number, limit: number): void {
  if (!Number.isInteger(offset) || offset < 0) throw usageError('Offset must be a non-negative integer.');
  if (!Number.isInteger(limit) || limit < 0) throw usageError('Limit must be a non-negative integer.');
  if (limit > MAX_LIST_LIMIT) throw usageError(`Limit must be less than ${MAX_LIST_LIMIT}.`);
}

export async function listWorkflows(
  ctx: StoreContext,
  filters: WorkflowListFilters,
): Promise<Page<Workflow>> {
  const rows = await pageQuery(ctx, filters).selectAll().execute();
  return orderedPage(rows.map(toWorkflow), filters);
}

export async function listWorkflowSummaries(
  ctx: StoreContext,
  filters: WorkflowListFilters,
): Promise<Page<WorkflowSummary>> {
  const rows = await pageQuery(ctx, filters).select(SUMMARY_COLUMNS).execute();
  return orderedPage(rows.map(toWorkflowSummary), filters);
}

/**
 * The rows of one page in one round trip: the page's keys come from an index alone (no row is read
 * while skipping `offset`), then only those rows are read. One more than the page, to tell whether
 * more follow.
 */
function pageQuery(ctx: StoreContext, filters: WorkflowListFilters) {
  const offset = filters.offset ?? 0;
  const limit = filters.limit ?? DEFAULT_LIST_LIMIT;
  checkPaging(offset, limit);
  const direction = listDirection(filters);
  const where = workflowFilter(ctx, filters);
  return ctx.db.selectFrom('workflows').where('workflow_uuid', 'in', (qb) =>
    qb
      .selectFrom('workflows')
      .select('workflow_uuid')
      .where(where)
      .orderBy('submit_time', direction)
      .orderBy('workflow_uuid', direction)
      .limit(limit + 1)
      .offset(offset),
  );
}

const listDirection = (filters: WorkflowListFilters): 'asc' | 'desc' =>
  filters.order === 'DESC' ? 'desc' : 'asc';

/** IN keeps no order: the page is put back in the list's order here. */
function orderedPage<T extends WorkflowSummary>(rows: T[], filters: WorkflowListFilters): Page<T> {
  const limit = filters.limit ?? DEFAULT_LIST_LIMIT;
  const sign = listDirection(filters) === 'asc' ? 1 : -1;
  rows.sort((a, b) => sign * compareListOrder(a, b));
  return { rows: rows.slice(0, limit), moreEntries: rows.length > limit };
}

/** The list's ORDER BY (submit time, then uuid: lowercase hex, which sorts alike everywhere). */
function compareListOrder(a: WorkflowSummary, b: WorkflowSummary): number {
  const bySubmit = a.submitTime.getTime() - b.submitTime.getTime();
  if (bySubmit !== 0) return bySubmit;
  return a.workflowUuid < b.workflowUuid ? -1 : a.workflowUuid > b.workflowUuid ? 1 : 0;
}

function workflowFilter(ctx: StoreContext, f: WorkflowListFilters): (eb: WorkflowsEb) => Expression<SqlBool> {
  const labels = parseLabelSelectors(f.labels ?? []);
  const app = f.app === undefined ? undefined : parseApp(f.app);
  return (eb) => {
    const all: Expression<SqlBool>[] = [];
    if (f.users && f.users.length > 0) all.push(eb('submitted_by', 'in', f.users));
    if (f.name !== undefined && f.name !== '') {
      all.push(ctx.dialect.wildcardMatch(eb.ref('workflow_id'), ['', f.name, '']));
    }
    if (f.statuses && f.statuses.length > 0) all.push(eb('status', 'in', f.statuses));
    else all.push(eb('status', '!=', 'FAILED_SUBMISSION'));
    if (f.pools && f.pools.length > 0) all.push(eb('pool', 'in', f.pools));
    if (f.submittedAfter) all.push(eb('submit_time', '>=', writeTime(f.submittedAfter)));
    if (f.submittedBefore) all.push(eb('submit_time', '<', writeTime(f.submittedBefore)));
    if (f.priorities && f.priorities.length > 0) all.push(eb('priority', 'in', f.priorities));
    if (f.tags && f.tags.length > 0) {
      const tags = f.tags;
      all.push(
        eb.exists(
          eb
            .selectFrom('workflow_tags')
            .select(sql`1`.as('one'))
            .whereRef('workflow_tags.workflow_uuid', '=', 'workflows.workflow_uuid')
            .where('workflow_tags.tag', 'in', tags),
        ),
      );
    }
    if (app) {
      all.push(
        eb('app_uuid', 'in', eb.selectFrom('apps').select('apps.uuid').where('apps.name', '=', app.name)),
      );
      if (app.version !== undefined) all.push(eb('app_version', '=', app.version));
    }
    const labelsColumn = eb.ref('workflows.labels');
    for (const selector of labels) {
      if (selector.kind === 'present') {
        all.push(ctx.dialect.jsonHasKey(labelsColumn, selector.key));
      } else {
        const value = ctx.dialect.jsonText(labelsColumn, selector.key);
        all.push(eb.or(selector.patterns.map((parts) => ctx.dialect.wildcardMatch(value, parts))));
      }
    }
    for (const key of f.noLabels ?? []) all.push(eb.not(ctx.dialect.jsonHasKey(labelsColumn, key)));
    return eb.and(all);
  };
}

function parseApp(app: string): { name: string; version?: number } {
  const colon = app.lastIndexOf(':');
  if (colon < 0) return { name: app };
  const version = Number(app.slice(colon + 1));
  if (!Number.isInteger(version) || version < 1) {
    throw usageError(`Invalid app ${app}: expected name or name:version.`);
  }
  return { name: app.slice(0, colon), version };
}

/** One workflow by uuid without its spec texts: what the engine reads on every report of a wide workflow. */
export async function getWorkflowSummary(
  ctx: StoreContext,
  workflowUuid: string,
): Promise<WorkflowSummary | null> {
  const row = await ctx.db
    .selectFrom('workflows')
    .select(SUMMARY_COLUMNS)
    .where('workflow_uuid', '=', workflowUuid)
    .executeTakeFirst();
  return row ? toWorkflowSummary(row) : null;
}
