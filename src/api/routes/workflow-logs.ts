// Streamed logs, events and the stored spec of a workflow.
import { Readable } from 'node:stream';
import { z } from 'zod';
import { userError } from '../../core/index.js';
import { searchLog } from '../../controller/log-search.js';
import { credentialReferences, redactSecrets } from '../../spec/index.js';
import type { Workflow } from '../../store/index.js';
import { flag } from '../contract/query-values.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { SEARCH_QUERY, toLogSearch } from './log-search-query.js';
import { visibleWorkflow } from './visible-workflow.js';
import { liveWhileUnchanged } from './workflow-changes.js';
import { Text } from '../contract/wire-registry.js';

/** At or above this many lines `last_n_lines` means "everything" (upstream's max_log_lines). */
const MAX_LOG_LINES = 10000;

const TEXT = 'text/plain; charset=us-ascii';

export function workflowLogRoutes(deps: ApiDeps): RouteList {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/workflow/:name/logs',
      operationId: 'getWorkflowLogs',
      response: Text,
      summary: 'Stream the logs of a workflow or one task; follows while the workflow runs',
      access: 'user',
      produces: 'text/plain',
      params: z.object({ name: z.string() }),
      query: z.object({
        last_n_lines: z.coerce.number().int().optional(),
        task_name: z.string().optional(),
        retry_id: z.coerce.number().int().min(0).optional(),
        query: z.string().max(1024).optional(),
        // Ours, beyond upstream: a guarded server-side search over what is written so far (see log-search.ts).
        ...SEARCH_QUERY,
      }),
      handler: async ({ params, query, caller, request, reply }) => {
        const w = await visibleWorkflow(deps, caller, params.name);
        const search = toLogSearch(query);
        if (query.last_n_lines !== undefined && query.last_n_lines <= 0) {
          throw userError('last_n_lines must be a positive number.');
        }
        let filter: RegExp | null = null;
        if (query.query !== undefined) {
          try {
            filter = new RegExp(query.query);
          } catch {
            throw userError(`Invalid regex: ${query.query}`);
          }
        }
        const retryId =
          query.task_name === undefined ? 0 : await existingRetry(deps, w, query.task_name, query.retry_id);
        const abort = new AbortController();
        request.raw.on('close', () => abort.abort());
        const lastLines =
          query.last_n_lines === undefined || query.last_n_lines >= MAX_LOG_LINES ? null : query.last_n_lines;
        const chunks = deps.ctx.logs.read(w.workflowId, {
          task: query.task_name ?? null,
          retryId,
          lastLines,
          // A search answers over the log as it stands and ends; only a plain read follows.
          isLive:
            search === null
              ? liveWhileUnchanged(deps, w.workflowUuid, abort.signal)
              : () => Promise.resolve(false),
          signal: abort.signal,
        });
        const filtered = filter === null ? chunks : filterLines(chunks, filter);
        const body = search === null ? filtered : searchLog(filtered, search);
        return reply
          .header('content-type', TEXT)
          .header('x-content-type-options', 'nosniff')
          .send(Readable.from(body));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/workflow/:name/events',
      operationId: 'getWorkflowEvents',
      response: Text,
      summary: 'Scheduling and lifecycle events of a workflow or one task',
      access: 'user',
      produces: 'text/plain',
      params: z.object({ name: z.string() }),
      query: z.object({
        task_name: z.string().optional(),
        retry_id: z.coerce.number().int().min(0).optional(),
      }),
      handler: async ({ params, query, caller, reply }) => {
        const w = await visibleWorkflow(deps, caller, params.name);
        const events = await deps.store.events.list(w.workflowUuid, {
          ...(query.task_name === undefined ? {} : { taskName: query.task_name }),
          ...(query.retry_id === undefined ? {} : { retryId: query.retry_id }),
        });
        return reply
          .header('content-type', TEXT)
          .header('x-content-type-options', 'nosniff')
          .send(events.map((e) => `${e.text}\n`).join(''));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/workflow/:name/spec',
      operationId: 'getWorkflowSpec',
      response: Text,
      summary: 'The stored spec, secrets masked: rendered, or the original template with use_template',
      access: 'user',
      produces: 'text/plain',
      params: z.object({ name: z.string() }),
      query: z.object({ use_template: flag.default(false) }),
      handler: async ({ params, query, caller, reply }) => {
        const w = await visibleWorkflow(deps, caller, params.name);
        const text = query.use_template ? (w.templateSpecText ?? w.specText) : w.specText;
        // Both views are masked; the credential names the rendered spec uses stay readable.
        const masked = redactSecrets(text, credentialReferences(w.specText));
        return reply.header('content-type', 'text/plain; charset=utf-8').send(masked);
      },
    }),
  ];
}

async function* filterLines(chunks: AsyncIterable<string>, pattern: RegExp): AsyncGenerator<string> {
  let partial = '';
  for await (const chunk of chunks) {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    const kept = lines.filter((l) => pattern.test(l));
    if (kept.length > 0) yield kept.map((l) => `${l}\n`).join('');
  }
  if (partial && pattern.test(partial)) yield partial;
}

/**
 * The retry to read: the one asked for, else the latest. Only names and retries the store knows reach
 * the log store, so a request parameter never becomes a path of its own.
 */
export async function existingRetry(
  deps: ApiDeps,
  workflow: Workflow,
  taskName: string,
  retryId: number | undefined,
): Promise<number> {
  const latest = await deps.store.tasks.getLatest(workflow.workflowUuid, taskName);
  if (latest === null) {
    throw userError(`Task ${taskName} is not found in workflow ${workflow.workflowId}.`, 404);
  }
  // Retries are numbered 0, 1, 2, ... with no gaps, so the latest bounds every one that exists.
  if (retryId !== undefined && retryId > latest.retryId) {
    throw userError(
      `Task ${taskName} of workflow ${workflow.workflowId} has no retry ${retryId} (latest: ${latest.retryId}).`,
      404,
    );
  }
  return retryId ?? latest.retryId;
}
