// A task's error log: the last lines of a failed attempt's output, searchable like the full log.
import { Readable } from 'node:stream';
import { z } from 'zod';
import { searchLog } from '../../controller/log-search.js';
import { hasErrorLogs } from '../contract/workflow-json.js';
import type { ApiDeps } from '../deps.js';
import { defineRoute, type AnyRoute } from '../route-table.js';
import { SEARCH_QUERY, toLogSearch } from './log-search-query.js';
import { existingRetry } from './workflow-logs.js';
import { visibleWorkflow } from './visible-workflow.js';
import { Text } from '../contract/wire-registry.js';

/**
 * Upstream harvests the last lines of a container that ended non-zero when its group is cleaned up.
 * Our attempts' whole output is already kept, so the error log is that output's tail, served only for
 * statuses that have error logs.
 */
const MAX_ERROR_LOG_LINES = 100;

const TEXT = 'text/plain; charset=us-ascii';

export function errorLogRoute(deps: ApiDeps): AnyRoute {
  return defineRoute({
    method: 'GET',
    url: '/api/workflow/:name/error_logs',
    operationId: 'getWorkflowErrorLogs',
    response: Text,
    summary: "A failed task attempt's error log (its last lines); without a task, where each one is",
    access: 'user',
    produces: 'text/plain',
    params: z.object({ name: z.string() }),
    query: z.object({
      last_n_lines: z.coerce.number().int().optional(),
      task_name: z.string().optional(),
      retry_id: z.coerce.number().int().min(0).optional(),
      ...SEARCH_QUERY,
    }),
    handler: async ({ params, query, caller, reply }) => {
      const w = await visibleWorkflow(deps, caller, params.name);
      const search = toLogSearch(query);
      reply.header('content-type', TEXT).header('x-content-type-options', 'nosniff');
      if (query.task_name === undefined) {
        const links: Record<string, string> = {};
        for (const t of await deps.store.tasks.listByWorkflow(w.workflowUuid)) {
          if (!hasErrorLogs(t.status)) continue;
          links[`${t.name} retry-${t.retryId}`] =
            `${deps.baseUrl}/api/workflow/${w.workflowId}/error_logs?task_name=${t.name}&retry_id=${t.retryId}`;
        }
        return reply.send(`Specify task for error logs.\n\n${JSON.stringify(links)}`);
      }
      const retryId = await existingRetry(deps, w, query.task_name, query.retry_id);
      const attempt = await deps.store.tasks.getAttempt(w.workflowUuid, query.task_name, retryId);
      if (attempt === null || !hasErrorLogs(attempt.status)) return reply.send('');
      const lastLines = Math.min(
        query.last_n_lines !== undefined && query.last_n_lines > 0 ? query.last_n_lines : MAX_ERROR_LOG_LINES,
        MAX_ERROR_LOG_LINES,
      );
      const chunks = deps.ctx.logs.read(w.workflowId, {
        task: query.task_name,
        retryId,
        lastLines,
        isLive: () => Promise.resolve(false),
        signal: new AbortController().signal,
      });
      return reply.send(Readable.from(search === null ? chunks : searchLog(chunks, search)));
    },
  });
}
