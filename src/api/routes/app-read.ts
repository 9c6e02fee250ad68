// App list, info and spec: every logged-in user may read every app.
import { z } from 'zod';
import { userError } from '../../core/index.js';
import { LIST_ORDERS } from '../../store/index.js';
import { appInfo, appListEntry } from '../contract/app-json.js';
import { flag, repeated } from '../contract/query-values.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { existingApp } from './app-access.js';
import { pagingChecks } from './workflow-read.js';
import { AppInfo, AppList } from '../contract/app-wire.js';
import { Text } from '../contract/wire-registry.js';

const order = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.enum(LIST_ORDERS))
  .default('ASC');

const NameParams = z.object({ name: z.string() });
const versionQuery = z.coerce.number().int().min(1, 'version must be a positive integer').optional();

export function appReadRoutes(deps: ApiDeps): RouteList {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/app',
      operationId: 'listApps',
      response: AppList,
      summary: 'List apps: yours by default, or those of some owners, or all',
      access: 'user',
      query: z.object({
        name: z.string().optional(),
        users: repeated,
        all_users: flag.default(false),
        offset: z.coerce.number().int().default(0),
        limit: z.coerce.number().int().default(20),
        order,
      }),
      handler: async ({ query, caller }) => {
        if (!caller) throw userError('access denied', 403);
        pagingChecks(query.offset, query.limit);
        const page = await deps.store.apps.list({
          ...(query.name === undefined ? {} : { name: query.name }),
          ...(query.users.length > 0 ? { owners: query.users } : {}),
          ...(query.users.length === 0 && !query.all_users ? { involving: caller.user } : {}),
          offset: query.offset,
          limit: query.limit,
        });
        // Paging walks from the newest app backwards; `order` only sorts the page.
        const rows = query.order === 'ASC' ? [...page.rows].reverse() : page.rows;
        return { apps: rows.map(appListEntry), more_entries: page.moreEntries };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/app/user/:name',
      operationId: 'getApp',
      response: AppInfo,
      summary: 'An app with its newest versions',
      access: 'user',
      params: NameParams,
      query: z.object({
        version: versionQuery,
        limit: z.coerce.number().int().min(1, 'limit must be a positive integer').default(20),
        order,
      }),
      handler: async ({ params, query }) => {
        const app = await existingApp(deps.store, params.name);
        const versions = await deps.store.apps.listVersions(app.uuid, {
          ...(query.version === undefined ? {} : { version: query.version }),
          limit: query.limit,
          order: query.order,
        });
        if (query.version !== undefined && versions.length === 0) {
          throw userError(`App ${app.name} has no version ${query.version}.`);
        }
        return appInfo(app, versions);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/app/user/:name/spec',
      operationId: 'getAppSpec',
      response: Text,
      summary: 'The stored spec of an app version (default: the newest READY one)',
      access: 'user',
      produces: 'text/plain',
      params: NameParams,
      query: z.object({ version: versionQuery }),
      handler: async ({ params, query, reply }) => {
        const app = await existingApp(deps.store, params.name);
        const version = await deps.store.apps.getVersion(app.uuid, query.version);
        if (version === null || version.status !== 'READY') throw userError('App version is not available.');
        return reply
          .header('content-type', 'text/plain; charset=utf-8')
          .header('x-content-type-options', 'nosniff')
          .send(version.specText);
      },
    }),
  ];
}
