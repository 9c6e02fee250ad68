// The tools an agent gets, each the answer of one `osmo` command, read through the REST API as the caller.
import { z } from 'zod';
import { userError } from '../../core/index.js';
import { gpuAvailability } from '../contract/gpu-availability.js';
import type { PoolQuotaWire, ResourcesWire } from '../contract/gpu-availability.js';
import { page, tailLines } from './bounds.js';
import { submitSpec } from './submit-spec.js';
import type { AnyTool, ToolContext } from './tool-def.js';
import { defineTool } from './tool-def.js';

const id = z.string().min(1).describe('Workflow ID, as `osmo workflow list` shows it');
const limit = (dflt: number, max: number) =>
  z.number().int().min(1).max(max).default(dflt).describe(`Most entries to return (at most ${max})`);
const offset = z.number().int().min(0).default(0).describe('Entries to skip, for the next page');
const lines = (dflt: number) =>
  z.number().int().min(1).max(5000).default(dflt).describe('Only the last N lines (at most 5000)');
const taskName = z.string().min(1).optional().describe('Only this task');
const retryId = z.number().int().min(0).optional().describe('Only this retry of the task (default: latest)');
const specText = z.string().min(1).describe('The workflow spec, YAML text');
const setVars = z.array(z.string()).optional().describe('Template values, each key=value (`--set`)');
const setStrings = z
  .array(z.string())
  .optional()
  .describe('Template values kept as strings, each key=value (`--set-string`)');
const priority = z.enum(['HIGH', 'NORMAL', 'LOW']).default('NORMAL');
const pool = z.string().min(1).optional().describe('Pool (default: the profile pool, as the CLI picks it)');

/** Base64 grows bytes by a third: this many still fit one bounded answer. */
const MAX_FILE_BYTES = 40_000;

const workflowPath = (workflowId: string) => `/api/workflow/${encodeURIComponent(workflowId)}`;
const queryOf = (ctx: ToolContext, workflowId: string, verbose = false) =>
  ctx.rest.json({ method: 'GET', path: workflowPath(workflowId), query: { verbose } }) as Promise<
    Record<string, unknown>
  >;

/** The pool a submission without one goes to: the profile's, else the only visible pool, as the CLI does. */
async function defaultPool(ctx: ToolContext, explicit: string | undefined): Promise<string> {
  if (explicit !== undefined) return explicit;
  const settings = (await ctx.rest.json({ method: 'GET', path: '/api/profile/settings' })) as {
    profile?: { pool?: string | null };
  };
  const fromProfile = settings.profile?.pool;
  if (typeof fromProfile === 'string' && fromProfile !== '') return fromProfile;
  const listing = (await ctx.rest.json({ method: 'GET', path: '/api/pool' })) as { pools: object };
  const names = Object.keys(listing.pools);
  if (names.length === 1 && names[0] !== undefined) return names[0];
  throw userError('No default pool: name one with `pool`, or set it with `osmo profile set pool NAME`.');
}

/** Plain words for why a workflow is or is not running yet. */
function pendingReason(wf: Record<string, unknown>): object {
  const status = String(wf['status']);
  const reason = typeof wf['pending_reason'] === 'string' ? wf['pending_reason'] : null;
  const plain =
    status === 'PENDING'
      ? (reason ?? 'The workflow is queued; the scheduler has not said why it waits yet.')
      : status === 'WAITING'
        ? 'The workflow waits for its upstream groups to finish.'
        : `The workflow is not pending: its status is ${status}.`;
  return {
    workflow_id: wf['name'],
    status,
    pending: status === 'PENDING',
    reason: plain,
    estimated_start_time: wf['estimated_start_time'] ?? null,
    queued_time: wf['queued_time'] ?? null,
  };
}

/** Where a workflow's results are: its own outputs and each task's output URLs and datasets. */
function outputsOf(wf: Record<string, unknown>): object {
  const groups = (wf['groups'] ?? []) as { name: string; tasks: Record<string, unknown>[] }[];
  return {
    workflow_id: wf['name'],
    status: wf['status'],
    outputs: wf['outputs'] ?? null,
    tasks: groups.flatMap((g) =>
      g.tasks.map((t) => ({
        group: g.name,
        task: t['name'],
        status: t['status'],
        outputs: t['outputs'] ?? [],
      })),
    ),
  };
}

export const TOOLS: readonly AnyTool[] = [
  defineTool({
    name: 'health',
    mirrors: 'osmo version',
    summary: 'Whether the service is up, and its version.',
    readOnly: true,
    input: {},
    run: async (ctx) => ({
      health: await ctx.rest.json({ method: 'GET', path: '/health' }),
      version: await ctx.rest.json({ method: 'GET', path: '/api/version' }),
    }),
  }),
  defineTool({
    name: 'profile',
    mirrors: 'osmo profile list --format-type json',
    summary: 'Who you are: your user, roles, default pool, accessible pools and notification settings.',
    readOnly: true,
    input: {},
    run: (ctx) => ctx.rest.json({ method: 'GET', path: '/api/profile/settings' }),
  }),
  defineTool({
    name: 'pool_list',
    mirrors: 'osmo pool list --mode free --format-type json (with osmo resource list)',
    summary:
      'Pools you may use, with GPUs available now per pool and per platform (GPU type): effective_free = ' +
      'min(quota free, total free), and a hint when LOW priority could use more.',
    readOnly: true,
    input: { pools: z.array(z.string()).optional().describe('Only these pools') },
    run: async (ctx, args) => {
      const pools = args.pools;
      const quota = (await ctx.rest.json({
        method: 'GET',
        path: '/api/pool_quota',
        query: pools ? { pools, all_pools: false } : { all_pools: true },
      })) as PoolQuotaWire;
      const resources = (await ctx.rest.json({
        method: 'GET',
        path: '/api/resources',
        query: pools ? { pools, all_pools: false } : {},
      })) as ResourcesWire;
      return { pools: gpuAvailability(quota, resources) };
    },
  }),
  defineTool({
    name: 'resource_list',
    mirrors: 'osmo resource list --format-type json',
    summary: 'Nodes with their pools, platforms, capacity and usage, a page at a time.',
    readOnly: true,
    input: { pools: z.array(z.string()).optional(), limit: limit(50, 200), offset },
    run: async (ctx, args) => {
      const answer = (await ctx.rest.json({
        method: 'GET',
        path: '/api/resources',
        query: args.pools ? { pools: args.pools, all_pools: false } : {},
      })) as { resources: object[] };
      const p = page(answer.resources, args.offset, args.limit);
      return { resources: p.items, total: p.total, truncated: p.truncated, next_offset: p.next_offset };
    },
  }),
  defineTool({
    name: 'resource_get',
    mirrors: 'osmo resource info NODE --format-type json',
    summary: 'One node: its pools, platforms, capacity and usage.',
    readOnly: true,
    input: { node: z.string().min(1) },
    run: (ctx, args) =>
      ctx.rest.json({ method: 'GET', path: `/api/resources/${encodeURIComponent(args.node)}` }),
  }),
  defineTool({
    name: 'workflow_list',
    mirrors: 'osmo workflow list --format-type json',
    summary: 'Your workflows, newest first, a page at a time; more_entries says whether more follow.',
    readOnly: true,
    input: {
      statuses: z.array(z.string()).optional().describe('Only these statuses, e.g. RUNNING, FAILED'),
      users: z.array(z.string()).optional(),
      all_users: z.boolean().default(false),
      pools: z.array(z.string()).optional(),
      name: z.string().optional().describe('Only workflows whose name contains this'),
      limit: limit(20, 100),
      offset,
    },
    run: (ctx, args) =>
      ctx.rest.json({
        method: 'GET',
        path: '/api/workflow',
        query: {
          statuses: args.statuses,
          users: args.users,
          all_users: args.all_users ? true : undefined,
          pools: args.pools,
          all_pools: args.pools === undefined ? true : undefined,
          name: args.name,
          order: 'DESC',
          limit: args.limit,
          offset: args.offset,
        },
      }),
  }),
  defineTool({
    name: 'workflow_get',
    mirrors: 'osmo workflow query ID --format-type json',
    summary: 'One workflow: status, groups, tasks, times, links; verbose adds every retry.',
    readOnly: true,
    input: { workflow_id: id, verbose: z.boolean().default(false) },
    run: (ctx, args) => queryOf(ctx, args.workflow_id, args.verbose),
  }),
  defineTool({
    name: 'workflow_pending_reason',
    mirrors: 'osmo workflow query ID (its pending line)',
    summary: 'Why a workflow has not started, in plain words, and when it should start if known.',
    readOnly: true,
    input: { workflow_id: id },
    run: async (ctx, args) => pendingReason(await queryOf(ctx, args.workflow_id)),
  }),
  defineTool({
    name: 'workflow_outputs',
    mirrors: 'osmo workflow query ID --format-type json (outputs of the workflow and of each task)',
    summary: "Where a workflow's results are: output URLs and datasets, per task.",
    readOnly: true,
    input: { workflow_id: id },
    run: async (ctx, args) => outputsOf(await queryOf(ctx, args.workflow_id)),
  }),
  defineTool({
    name: 'workflow_output_files',
    mirrors: "osmo data list URL (URL: the task's output URL in osmo workflow query)",
    summary: 'The files one task left in its output directory, with their sizes, a page at a time.',
    readOnly: true,
    input: { workflow_id: id, task: z.string().min(1).describe('The task'), limit: limit(100, 1000), offset },
    run: (ctx, args) =>
      ctx.rest.json({
        method: 'GET',
        path: `${workflowPath(args.workflow_id)}/task/${encodeURIComponent(args.task)}/output_files`,
        query: { limit: args.limit, offset: args.offset },
      }),
  }),
  defineTool({
    name: 'workflow_output_file',
    mirrors: "osmo data download URL/PATH (URL: the task's output URL in osmo workflow query)",
    summary:
      'The start of one small output file of a task: UTF-8 text as is, other bytes as base64; ' +
      '`truncated` says whether the file goes on past `bytes_returned`.',
    readOnly: true,
    input: {
      workflow_id: id,
      task: z.string().min(1).describe('The task'),
      path: z
        .string()
        .min(1)
        .describe('The file, relative to the output directory, as workflow_output_files lists it'),
      max_bytes: z
        .number()
        .int()
        .min(1)
        .max(MAX_FILE_BYTES)
        .default(16_384)
        .describe(`Most bytes to return (at most ${MAX_FILE_BYTES})`),
    },
    run: (ctx, args) =>
      ctx.rest.json({
        method: 'GET',
        path: `${workflowPath(args.workflow_id)}/task/${encodeURIComponent(args.task)}/output_file`,
        query: { path: args.path, max_bytes: args.max_bytes },
      }),
  }),
  defineTool({
    name: 'workflow_logs',
    mirrors: 'osmo workflow logs ID -n N [--task T] [--retry-id R]',
    summary: 'The last lines of the logs so far, of the workflow or one task; never waits for more.',
    readOnly: true,
    input: { workflow_id: id, lines: lines(200), task: taskName, retry_id: retryId },
    run: (ctx, args) =>
      ctx.readLog({
        workflowId: args.workflow_id,
        lastLines: args.lines,
        ...(args.task === undefined ? {} : { taskName: args.task }),
        ...(args.retry_id === undefined ? {} : { retryId: args.retry_id }),
      }),
  }),
  defineTool({
    name: 'workflow_events',
    mirrors: 'osmo workflow events ID [--task T] [--retry-id R]',
    summary: 'Scheduling and lifecycle events, the last N lines.',
    readOnly: true,
    input: { workflow_id: id, lines: lines(200), task: taskName, retry_id: retryId },
    run: async (ctx, args) =>
      tailLines(
        await ctx.rest.text({
          method: 'GET',
          path: `${workflowPath(args.workflow_id)}/events`,
          query: { task_name: args.task, retry_id: args.retry_id },
        }),
        args.lines,
      ),
  }),
  defineTool({
    name: 'workflow_spec',
    mirrors: 'osmo workflow spec ID [--template]',
    summary: 'The spec the workflow ran (secrets masked), or its template.',
    readOnly: true,
    input: { workflow_id: id, template: z.boolean().default(false) },
    run: (ctx, args) =>
      ctx.rest.text({
        method: 'GET',
        path: `${workflowPath(args.workflow_id)}/spec`,
        query: { use_template: args.template },
      }),
  }),
  defineTool({
    name: 'task_list',
    mirrors: 'osmo task list --format-type json',
    summary: 'Task attempts, yours unless all_users, a page at a time.',
    readOnly: true,
    input: {
      workflow_id: z.string().optional(),
      statuses: z.array(z.string()).optional(),
      all_users: z.boolean().default(false),
      pools: z.array(z.string()).optional(),
      limit: limit(20, 100),
      offset,
    },
    run: (ctx, args) =>
      ctx.rest.json({
        method: 'GET',
        path: '/api/task',
        query: {
          workflow_id: args.workflow_id,
          statuses: args.statuses,
          all_users: args.all_users ? true : undefined,
          pools: args.pools,
          all_pools: args.pools === undefined ? true : undefined,
          order: 'DESC',
          limit: args.limit,
          offset: args.offset,
        },
      }),
  }),
  defineTool({
    name: 'workflow_validate',
    mirrors: 'osmo workflow validate FILE',
    summary: 'Checks a spec against a pool without submitting it (a dry run).',
    readOnly: true,
    input: { spec: specText, pool, set: setVars, set_string: setStrings },
    run: async (ctx, args) =>
      submitSpec(ctx, {
        pool: await defaultPool(ctx, args.pool),
        spec: args.spec,
        set: args.set,
        setString: args.set_string,
        priority: 'NORMAL',
        dryRun: false,
        validationOnly: true,
      }),
  }),
  defineTool({
    name: 'workflow_submit',
    mirrors: 'osmo workflow submit FILE --format-type json',
    summary: 'Submits a spec; dry_run renders it without submitting.',
    readOnly: false,
    input: {
      spec: specText,
      pool,
      set: setVars,
      set_string: setStrings,
      priority,
      labels: z.array(z.string()).optional().describe('Labels, each key=value'),
      dry_run: z.boolean().default(false),
    },
    run: async (ctx, args) =>
      submitSpec(ctx, {
        pool: await defaultPool(ctx, args.pool),
        spec: args.spec,
        set: args.set,
        setString: args.set_string,
        priority: args.priority,
        labels: args.labels,
        dryRun: args.dry_run,
      }),
  }),
  defineTool({
    name: 'workflow_cancel',
    mirrors: 'osmo workflow cancel ID --format-type json',
    summary: 'Cancels a workflow.',
    readOnly: false,
    input: { workflow_id: id, message: z.string().optional(), force: z.boolean().default(false) },
    run: (ctx, args) =>
      ctx.rest.json({
        method: 'POST',
        path: `${workflowPath(args.workflow_id)}/cancel`,
        query: { force: args.force, message: args.message },
      }),
  }),
  defineTool({
    name: 'workflow_restart',
    mirrors: 'osmo workflow restart ID [--group G] [--failed-only] --format-type json',
    summary:
      'Restarts a FAILED workflow as a new one: its failed groups run again, or only the named groups and ' +
      'everything downstream of them; groups left out are not re-run and their outputs are reused.',
    readOnly: false,
    input: {
      workflow_id: id,
      pool,
      groups: z
        .array(z.string().min(1))
        .max(100)
        .optional()
        .describe(
          'Run these groups again with everything downstream of them (`--group`), even if they completed',
        ),
      failed_only: z
        .boolean()
        .default(false)
        .describe(
          'Also every group that did not complete (`--failed-only`; the default when no group is named)',
        ),
    },
    run: async (ctx, args) => {
      const wf = await queryOf(ctx, args.workflow_id);
      const own = typeof wf['pool'] === 'string' && wf['pool'] !== '' ? wf['pool'] : undefined;
      const target = await defaultPool(ctx, args.pool ?? own);
      return ctx.rest.json({
        method: 'POST',
        path: `/api/pool/${encodeURIComponent(target)}/workflow/${encodeURIComponent(args.workflow_id)}/restart`,
        query: { group: args.groups, failed_only: args.failed_only ? true : undefined },
      });
    },
  }),
  defineTool({
    name: 'app_list',
    mirrors: 'osmo app list --format-type json',
    summary: 'Apps (stored workflow templates), newest first, a page at a time.',
    readOnly: true,
    input: {
      name: z.string().optional(),
      users: z.array(z.string()).optional(),
      all_users: z.boolean().default(false),
      limit: limit(20, 100),
      offset,
    },
    run: (ctx, args) =>
      ctx.rest.json({
        method: 'GET',
        path: '/api/app',
        query: {
          order: 'DESC',
          name: args.name,
          users: args.users,
          all_users: args.all_users ? true : undefined,
          limit: args.limit,
          offset: args.offset,
        },
      }),
  }),
  defineTool({
    name: 'app_get',
    mirrors: 'osmo app info NAME --format-type json',
    summary: 'One app and its versions.',
    readOnly: true,
    input: { name: z.string().min(1), limit: limit(20, 100) },
    run: (ctx, args) =>
      ctx.rest.json({
        method: 'GET',
        path: `/api/app/user/${encodeURIComponent(args.name)}`,
        query: { order: 'DESC', limit: args.limit },
      }),
  }),
  defineTool({
    name: 'app_spec',
    mirrors: 'osmo app spec NAME[:VERSION]',
    summary: 'The spec template of an app version (default: latest).',
    readOnly: true,
    input: { name: z.string().min(1), version: z.number().int().min(1).optional() },
    run: (ctx, args) =>
      ctx.rest.text({
        method: 'GET',
        path: `/api/app/user/${encodeURIComponent(args.name)}/spec`,
        query: { version: args.version },
      }),
  }),
  defineTool({
    name: 'app_submit',
    mirrors: 'osmo app submit NAME[:VERSION] --set K=V --format-type json',
    summary: 'Submits an app version (default: latest) with template values; dry_run renders it only.',
    readOnly: false,
    input: {
      name: z.string().min(1),
      version: z.number().int().min(1).optional(),
      pool,
      set: setVars,
      set_string: setStrings,
      priority,
      labels: z.array(z.string()).optional().describe('Labels, each key=value'),
      dry_run: z.boolean().default(false),
    },
    run: async (ctx, args) => {
      const appPath = `/api/app/user/${encodeURIComponent(args.name)}`;
      const info = (await ctx.rest.json({
        method: 'GET',
        path: appPath,
        query: { limit: 1, version: args.version },
      })) as { uuid: string; versions: { version: number }[] };
      const version = info.versions[0]?.version;
      if (version === undefined) throw userError(`App ${args.name} has no versions.`);
      const spec = await ctx.rest.text({ method: 'GET', path: `${appPath}/spec`, query: { version } });
      return submitSpec(ctx, {
        pool: await defaultPool(ctx, args.pool),
        spec,
        set: args.set,
        setString: args.set_string,
        priority: args.priority,
        labels: args.labels,
        dryRun: args.dry_run,
        extraQuery: { app_uuid: info.uuid, app_version: version },
      });
    },
  }),
  defineTool({
    name: 'credential_list',
    mirrors: 'osmo credential list',
    summary: 'Your credentials by name and type only; values never leave the service.',
    readOnly: true,
    input: {},
    run: async (ctx) => {
      const answer = (await ctx.rest.json({ method: 'GET', path: '/api/credentials' })) as {
        credentials: { cred_name: string; cred_type: string }[];
      };
      // Names and types only, whatever else the listing carries.
      return { credentials: answer.credentials.map((c) => ({ name: c.cred_name, type: c.cred_type })) };
    },
  }),
];
