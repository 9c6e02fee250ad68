// Workflow list, query, single task, cancel and tags.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { LIST_ORDERS } from '../../store/index.js';
import { PRIORITIES, WORKFLOW_STATUSES, databaseError, userError } from '../../core/index.js';
import { isAdmin } from '../auth/caller.js';
import type { Caller } from '../auth/caller.js';
import { appsOfWorkflows } from '../contract/app-json.js';
import { backendLookup } from '../contract/backend-links.js';
import { usageAmounts, type UsageAmounts } from '../contract/usage-json.js';
import {
  WORKFLOW_LIST_RESPONSE_SCHEMA,
  workflowListEntry,
  workflowQueryResponse,
} from '../contract/workflow-json.js';
import { flag, isoDate, repeated, wireTime } from '../contract/query-values.js';
import { ReadCache } from '../../store/index.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { visibleWorkflow } from './visible-workflow.js';
import {
  Tags,
  UserNames,
  WorkflowList,
  WorkflowName,
  WorkflowQuery,
  WorkflowTaskAttempt,
} from '../contract/workflow-wire.js';
import { Done } from '../contract/wire-registry.js';

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

/** No attempt holds anything before its workflow was submitted or after now. */
async function workflowUsageOf(deps: ApiDeps, workflowUuid: string, submitTime: Date): Promise<UsageAmounts> {
  const now = deps.ctx.now();
  const rows = await deps.store.usage.summarize({
    groupBy: 'workflow',
    since: submitTime,
    until: now,
    now,
    workflowUuid,
  });
  return usageAmounts(rows);
}

/** Non-admins list only their own work: asking for anyone else's is refused, not silently narrowed. */
/** The tables a workflow list is read from: its answers are kept until one of them is written. */
const WORKFLOW_LIST_TABLES = ['workflows', 'workflow_tags', 'apps', 'app_versions'];

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

/** The service's object storage as a URL: its S3 bucket and prefix, or the local directory. */
function storageUrlOf(config: ApiDeps['config']): string {
  const s3 = config.s3Storage;
  if (s3 === null) return pathToFileURL(join(config.dataDir, 'storage')).href;
  return `s3://${s3.bucket}${s3.prefix === '' ? '' : `/${s3.prefix}`}`;
}

export function workflowReadRoutes(deps: ApiDeps): RouteList {
  const outputBase = storageUrlOf(deps.config);
  const listAnswers = new ReadCache<Buffer>(deps.store.writes, WORKFLOW_LIST_TABLES);
  const links = () => ({
    base: deps.baseUrl,
    now: deps.ctx.now(),
    backendOf: backendLookup(deps.ctx.config.current()),
    outputBase,
  });
  return [
    defineRoute({
      method: 'GET',
      url: '/api/workflow',
      operationId: 'listWorkflows',
      response: WorkflowList,
      summary: 'List workflows',
      access: 'user',
      query: ListQuery,
      handler: async ({ query, caller, request, reply }) => {
        if (!caller) throw userError('access denied', 403);
        pagingChecks(query.offset, query.limit);
        const users = listableUsers(caller, query.users, query.all_users);
        // Beyond the tables it reads, the answer depends on who asks (their name, and whether they are
        // an admin, decide whose workflows are listed) and on the query as sent.
        const key = `${caller.user}\0${isAdmin(caller) ? 'admin' : ''}\0${request.url}`;
        const body = await listAnswers.get(key, async () => {
          const page = await deps.store.workflows.listSummaries({
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
          // The apps the page's workflows came from (appsOfWorkflows wants whole workflows, not summaries).
          const appUuids = [...new Set(page.rows.flatMap((w) => (w.appUuid === null ? [] : [w.appUuid])))];
          const apps = new Map((await deps.store.apps.getByUuids(appUuids)).map((a) => [a.uuid, a]));
          // The list is the most requested answer: a serialiser compiled from its schema (once per route)
          // writes it much faster than generic JSON.stringify.
          const answer: z.infer<typeof WorkflowList> = {
            workflows: page.rows.map((w) => workflowListEntry(l, w, apps)),
            more_entries: page.moreEntries,
          };
          // Kept as bytes: a kept string would be encoded again for every request that reuses it.
          return Buffer.from(
            reply.compileSerializationSchema(WORKFLOW_LIST_RESPONSE_SCHEMA)(answer) as string,
          );
        });
        return reply.type('application/json; charset=utf-8').send(body);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/workflow/:name',
      operationId: 'getWorkflow',
      response: WorkflowQuery,
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
          // Our addition (docs/compatibility.md): the resource-hours its attempts have held so far.
          usage: await workflowUsageOf(deps, w.workflowUuid, w.submitTime),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/workflow/:name/task/:task_name',
      operationId: 'getWorkflowTask',
      response: WorkflowTaskAttempt,
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
      operationId: 'cancelWorkflow',
      response: WorkflowName,
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
      operationId: 'tagWorkflow',
      response: Done,
      summary: 'Add or remove tags of a workflow',
      access: 'user',
      params: z.object({ name: z.string() }),
      query: z.object({ add: repeated, remove: repeated }),
      handler: async ({ params, query, caller }) => {
        if (query.add.length === 0 && query.remove.length === 0) throw userError('No tags specified!');
        // Only the tags an admin listed in the workflow config may be added; any may be removed.
        const allowed = deps.ctx.config.current().workflow.workflow_info.tags;
        const bad = query.add.find((t) => !allowed.includes(t));
        if (bad !== undefined) {
          const choices =
            allowed.length === 0 ? 'no tags are allowed' : `allowed tags: ${allowed.join(', ')}`;
          throw userError(
            `Invalid tag detected: ${bad} (${choices}; admins set them in the workflow config's workflow_info.tags)`,
          );
        }
        const w = await visibleWorkflow(deps, caller, params.name);
        await deps.store.tags.add(w.workflowUuid, query.add);
        await deps.store.tags.remove(w.workflowUuid, query.remove);
        return null;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/tag',
      operationId: 'listWorkflowTags',
      response: Tags,
      summary: "The allowed workflow tags: the workflow config's workflow_info.tags",
      access: 'user',
      handler: async () => ({ tags: [...deps.ctx.config.current().workflow.workflow_info.tags] }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/users',
      operationId: 'listWorkflowUsers',
      response: UserNames,
      summary: 'Users who submitted workflows',
      access: 'user',
      handler: async ({ caller }) =>
        caller && isAdmin(caller) ? deps.store.workflows.distinctUsers() : [caller?.user ?? ''],
    }),
  ];
}
