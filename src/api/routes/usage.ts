// GET /api/usage: GPU-, CPU- and memory-hours held by task attempts, per user, pool, workflow or task.
import { z } from 'zod';
import { userError } from '../../core/index.js';
import { USAGE_GROUPINGS } from '../../store/index.js';
import { isAdmin } from '../auth/caller.js';
import { repeated } from '../contract/query-values.js';
import { usageJson } from '../contract/usage-json.js';
import type { ApiDeps } from '../deps.js';
import { defineRoute, type RouteList } from '../route-table.js';
import { toTime } from './log-search-query.js';
import { UsageReport } from '../contract/usage-wire.js';

/** Without `since`, the window is this long before its end. */
export const DEFAULT_USAGE_WINDOW_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

export function usageRoutes(deps: ApiDeps): RouteList {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/usage',
      operationId: 'getUsage',
      response: UsageReport,
      summary:
        'Resource-hours held by task attempts in a time window; admins see every user, others themselves',
      access: 'user',
      query: z.object({
        group_by: z.enum(USAGE_GROUPINGS).default('user'),
        users: repeated,
        pools: repeated,
        since: z.string().optional(),
        until: z.string().optional(),
      }),
      handler: async ({ query, caller }) => {
        if (caller === null) throw userError('access denied', 403);
        if (!isAdmin(caller) && query.users.some((u) => u !== caller.user)) {
          throw userError('Only administrators may see the usage of other users.', 403);
        }
        const now = deps.ctx.now();
        const until = query.until === undefined ? now : toTime('until', query.until);
        const since =
          query.since === undefined
            ? new Date(until.getTime() - DEFAULT_USAGE_WINDOW_DAYS * DAY_MS)
            : toTime('since', query.since);
        if (since.getTime() >= until.getTime()) throw userError('since must be before until.');
        const users = isAdmin(caller) ? query.users : [caller.user];
        const rows = await deps.store.usage.summarize({
          groupBy: query.group_by,
          since,
          until,
          now,
          users,
          pools: query.pools,
        });
        return usageJson(query.group_by, since, until, rows);
      },
    }),
  ];
}
