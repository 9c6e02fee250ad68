// Workflow list, query, single task, cancel and tags (service-api.md §3.7.3–§3.7.8).
import { z } from 'zod';
import { LIST_ORDERS } from '../../store/index.js';
import { PRIORITIES, WORKFLOW_STATUSES, databaseError, userError } from '../../core/index.js';
import { isAdmin } from '../auth/caller.js';
import type { Caller } from '../auth/caller.js';
import { appsOfWorkflows } from '../contract/app-json.js';
import { workflowListEntry, workflowQueryResponse } from '../contract/workflow-json.js';
import { flag, isoDate, repeated, wireTime } from '../contract/query-values.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { visibleWorkflow } from './visible-workflow.js';

export const MAX_LIST_LIMIT = 1000;

const ListQuery = z.object({
  users: repeated,
  all_users: flag.default(false),
  name: z.string().optional(),
  statuses: repeated.pipe(z.array(z.enum(WORKFLOW_STATUSES))),
  pools: repeated,
  all_pools: flag.default(false),
  offset: z.coerce.number().int().default(0),
  limit: z.coerce.number().int().default(20),
  order: z.enum(LIST_ORDERS).default('ASC'),
  submitted_after: isoDate,
  submitted_before: isoDate,
  tags: repeated,
  app: z.string().optional(),
  priority: repeated.pipe(z.array(z.enum(PRIORITIES))),
  label: repeated,
  no_label: repeated,
});

/** Non-admins list only their own work: asking for anyone else's is refused, not silently narrowed. */
export function listableUsers(
  caller: Caller,
  users: readonly string[],
  allUsers: boolean,
): string[] | undefined {
  if (isAdmin(caller)) {
    if (users.length > 0) return [...users];
    return allUsers ? undefined : [caller.user];
  }
  if (allUsers || users.some((u) => u !== caller.user)) {
    throw userError('access denied: only admins may list the work of other users', 403);
  }
  return [caller.user];
}

export function pagingChecks(offset: number, limit: number): void {
  if (offset < 0) throw userError('Offset must be greater than or equal to 0.');
  if (limit <= 0) throw userError('Limit must be greater than 0.');
  if (limit > MAX_LIST_LIMIT) throw userError(`Limit must be less than ${MAX_LIST_LIMIT}.`);
}

export function workflowReadRoutes(deps: ApiDeps): RouteList {
  const links = () => ({ base: deps.baseUrl, now: deps.ctx.now() });
  return [
    defineRoute({
      method: 'GET',
      url: '/api/workflow',
      summary: 'List workflows',
      access: 'user',
      query: ListQuery,
      handler: async ({ query, caller }) => {
        if (!caller) throw userError('access denied', 403);
        pagingChecks(query.offset, query.limit);
        const users = listableUsers(caller, query.users, query.all_users);
        const page = await deps.store.workflows.list({
          ...(users ? { users } : {}),
          ...(query.name ? { name: query.name } : {}),
          statuses: query.statuses,
          ...(query.all_pools || query.pools.length === 0 ? {} : { pools: query.pools }),
          offset: query.offset,
          limit: query.limit,
          order: query.order,
          ...(query.submitted_after ? { submittedAfter: query.submitted_after } : {}),
          ...(query.submitted_before ? { submittedBefore: query.submitted_before } : {}),
          tags: query.tags,
          ...(query.app ? { app: query.app } : {}),
          priorities: query.priority,
          labels: query.label,
          noLabels: query.no_label,
        });
        const l = links();
        const apps = await appsOfWorkflows(deps.store, page.rows);
        return {
          workflows: page.rows.map((w) => workflowListEntry(l, w, apps)),
          more_entries: page.moreEntries,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/workflow/:name',
      summary: 'Query one workflow with its groups and tasks',
      access: 'user',
      params: z.object({ name: z.string() }),
      query: z.object({ skip_groups: flag.default(false), verbose: flag.default(false) }),
      handler: async ({ params, query, caller }) => {
        const w = await visibleWorkflow(deps, caller, params.name);
        const groups = query.skip_groups ? null : await deps.store.groups.listByWorkflow(w.workflowUuid);
        const tasks = query.skip_groups
          ? []
          : await deps.store.tasks.listByWorkflow(w.workflowUuid, { allRetries: query.verbose });
        const tags = await deps.store.tags.list(w.workflowUuid);
        const apps = await appsOfWorkflows(deps.store, [w]);
        // Our addition (docs/compatibility.md): why a PENDING workflow waits, as its last Pending event says.
        const wait = w.status === 'PENDING' ? deps.ctx.scheduling.waits.get(w.workflowUuid) : undefined;
        return {
          ...workflowQueryResponse(links(), w, groups, tasks, tags, apps),
          ...(wait
            ? { pending_reason: wait.reason, estimated_start_time: wireTime(wait.estimatedStart) }
            : {}),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/workflow/:name/task/:task_name',
      summary: 'The latest attempt of one task',
      access: 'user',
      params: z.object({ name: z.string(), task_name: z.string() }),
      handler: async ({ params, caller }) => {
        const w = await visibleWorkflow(deps, caller, params.name);
        const t = await deps.store.tasks.getLatest(w.workflowUuid, params.task_name);
        if (!t) throw databaseError(`Task ${params.task_name} is not found in workflow ${w.workflowId}.`);
        return {
          workflow_id: w.workflowId,
          task_name: t.name,
          node: t.nodeName,
          start_time: wireTime(t.startTime),
          end_time: wireTime(t.endTime),
          status: t.status,
          storage: t.diskGib,
          cpu: t.cpuCount,
          memory: t.memoryGib,
          gpu: t.gpuCount,
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/workflow/:name/cancel',
      summary: 'Cancel a workflow',
      access: 'user',
      params: z.object({ name: z.string() }),
      query: z.object({ message: z.string().max(4096).optional(), force: flag.default(false) }),
      handler: async ({ params, query, caller }) => {
        const w = await visibleWorkflow(deps, caller, params.name);
        await deps.engine.cancel(w, caller?.user ?? '', query.message ?? null, query.force);
        return { name: w.workflowId };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/workflow/:name/tag',
      summary: 'Add or remove tags of a workflow',
      access: 'user',
      params: z.object({ name: z.string() }),
      query: z.object({ add: repeated, remove: repeated }),
      handler: async ({ params, query, caller }) => {
        if (query.add.length === 0 && query.remove.length === 0) throw userError('No tags specified!');
        const bad = query.add.find((t) => !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(t));
        if (bad !== undefined) throw userError(`Invalid tag detected: ${bad}`);
        const w = await visibleWorkflow(deps, caller, params.name);
        await deps.store.tags.add(w.workflowUuid, query.add);
        await deps.store.tags.remove(w.workflowUuid, query.remove);
        return null;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/tag',
      summary: 'The admin-curated allowed workflow tags (osmo has none: any valid tag is accepted)',
      access: 'user',
      handler: async () => ({ tags: [] }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/users',
      summary: 'Users who submitted workflows',
      access: 'user',
      handler: async ({ caller }) =>
        caller && isAdmin(caller) ? deps.store.workflows.distinctUsers() : [caller?.user ?? ''],
    }),
  ];
}
