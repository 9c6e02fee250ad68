// The cross-workflow task list.
import { z } from 'zod';
import { PRIORITIES, TASK_STATUSES, userError } from '../../core/index.js';
import { LIST_ORDERS } from '../../store/index.js';
import type { TaskListFilters } from '../../store/index.js';
import { backendLookup } from '../contract/backend-links.js';
import { taskListEntry } from '../contract/workflow-json.js';
import { flag, isoDate, repeated } from '../contract/query-values.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { taskListScope } from '../auth/task-list-scope.js';
import { pagingChecks } from './workflow-read.js';
import { TaskList } from '../contract/workflow-wire.js';

const TaskQuery = z.object({
  workflow_id: z.string().optional(),
  statuses: repeated.pipe(z.array(z.enum(TASK_STATUSES))),
  users: repeated,
  all_users: flag.default(false),
  pools: repeated,
  all_pools: flag.default(false),
  nodes: repeated,
  started_after: isoDate,
  started_before: isoDate,
  offset: z.coerce.number().int().default(0),
  limit: z.coerce.number().int().default(20),
  order: z.enum(LIST_ORDERS).default('ASC'),
  summary: flag.default(false),
  aggregate_by_workflow: flag.default(false),
  priority: repeated.pipe(z.array(z.enum(PRIORITIES))),
});

export function taskRoutes(deps: ApiDeps): RouteList {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/task',
      operationId: 'listTasks',
      response: TaskList,
      summary: 'List tasks across workflows, or summarise their resource use',
      access: 'user',
      query: TaskQuery,
      handler: async ({ query, caller }) => {
        if (!caller) throw userError('access denied', 403);
        pagingChecks(query.offset, Math.min(query.limit, 1000));
        const doc = deps.ctx.config.current();
        const scope = taskListScope(
          caller,
          { users: query.users, allUsers: query.all_users, pools: query.pools, allPools: query.all_pools },
          Object.keys(doc.pools),
          doc.roles,
        );
        if (scope === null)
          return query.summary || query.aggregate_by_workflow ? { summaries: [] } : { tasks: [] };
        const filters: TaskListFilters = {
          ...(query.workflow_id ? { workflowId: query.workflow_id } : {}),
          statuses: query.statuses,
          ...(scope.users ? { users: scope.users } : {}),
          ...(scope.pools ? { pools: scope.pools } : {}),
          nodes: query.nodes,
          ...(query.started_after ? { startedAfter: query.started_after } : {}),
          ...(query.started_before ? { startedBefore: query.started_before } : {}),
          priorities: query.priority,
          offset: query.offset,
          limit: Math.min(query.limit, 1000),
          order: query.order,
        };
        if (query.summary || query.aggregate_by_workflow) {
          const rows = await deps.store.tasks.summarize(filters, { byWorkflow: query.aggregate_by_workflow });
          return {
            summaries: rows.map((r) => ({
              user: r.user,
              pool: r.pool,
              storage: r.diskGib,
              cpu: r.cpuCount,
              memory: r.memoryGib,
              gpu: r.gpuCount,
              priority: r.priority,
              ...(query.aggregate_by_workflow ? { workflow_id: r.workflowId } : {}),
            })),
          };
        }
        const page = await deps.store.tasks.listForApi(filters);
        const links = {
          base: deps.baseUrl,
          now: deps.ctx.now(),
          backendOf: backendLookup(deps.ctx.config.current()),
        };
        return { tasks: page.rows.map((t) => taskListEntry(links, t)) };
      },
    }),
  ];
}
