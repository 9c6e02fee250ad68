// App create, new version, delete and rename; specs are checked before they are stored.
import { z } from 'zod';
import { userError } from '../../core/index.js';
import { wireTime } from '../contract/query-values.js';
import { flag } from '../contract/query-values.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { assertOwner, checkAppName, existingApp } from './app-access.js';
import { contentLength, MAX_SPEC_BYTES } from './workflow-submit.js';
import { AppRenamed, AppVersionCreated, AppVersionsDeleted } from '../contract/app-wire.js';
import { Done } from '../contract/wire-registry.js';

const MAX_DESCRIPTION_CHARS = 4096;

/** The body is a bare JSON string (the spec text, or the new name). */
const JsonString = (what: string, max: number) =>
  z
    .string({ error: `The request body must be the ${what} as a JSON string.` })
    .max(max, `The ${what} is too long.`);

const NameParams = z.object({ name: z.string() });

export function appWriteRoutes(deps: ApiDeps): RouteList {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/app/user/:name',
      operationId: 'createApp',
      response: Done,
      summary: 'Create an app with its first version',
      access: 'user',
      params: NameParams,
      query: z.object({ description: z.string().max(MAX_DESCRIPTION_CHARS) }),
      body: JsonString('app spec', MAX_SPEC_BYTES),
      admit: (request) => deps.ctx.specs.assertRoom(contentLength(request)),
      handler: async ({ params, query, body, caller }) => {
        checkAppName(params.name);
        await deps.ctx.specs.checkApp(body);
        const made = await deps.store.apps.create({
          name: params.name,
          owner: caller?.user ?? '',
          description: query.description,
          specText: body,
          at: deps.ctx.now(),
        });
        if (made === null) throw userError(`App name ${params.name} already exists.`);
        return null;
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/app/user/:name',
      operationId: 'updateApp',
      response: AppVersionCreated,
      summary: 'Store a new version of an app',
      access: 'user',
      params: NameParams,
      body: JsonString('app spec', MAX_SPEC_BYTES),
      admit: (request) => deps.ctx.specs.assertRoom(contentLength(request)),
      handler: async ({ params, body, caller }) => {
        const app = await existingApp(deps.store, params.name);
        assertOwner(app, caller, 'update');
        await deps.ctx.specs.checkApp(body);
        const version = await deps.store.apps.addVersion(app.uuid, caller?.user ?? '', body, deps.ctx.now());
        return {
          uuid: app.uuid,
          version: version.version,
          name: app.name,
          created_by: version.createdBy,
          created_date: wireTime(version.createdDate),
        };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/app/user/:name',
      operationId: 'deleteApp',
      response: AppVersionsDeleted,
      summary: 'Delete one version of an app, or all of them',
      access: 'user',
      params: NameParams,
      query: z.object({
        version: z.coerce.number().int().min(1, 'version must be a positive integer').optional(),
        all_versions: flag.default(false),
      }),
      handler: async ({ params, query, caller }) => {
        if ((query.version === undefined) === !query.all_versions) {
          throw userError('Specify either a version or all_versions, not both.');
        }
        const app = await existingApp(deps.store, params.name);
        assertOwner(app, caller, 'delete');
        const versions = await deps.store.apps.deleteVersions(
          app.uuid,
          query.version === undefined ? 'all' : [query.version],
        );
        if (versions.length === 0) {
          throw userError(
            query.version === undefined
              ? `App ${app.name} has no versions left to delete.`
              : `App ${app.name} has no version ${query.version} to delete.`,
          );
        }
        return { versions };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/app/user/:name/rename',
      operationId: 'renameApp',
      response: AppRenamed,
      summary: 'Rename an app',
      access: 'user',
      params: NameParams,
      body: JsonString('new app name', 256),
      handler: async ({ params, body, caller, reply }) => {
        const app = await existingApp(deps.store, params.name);
        assertOwner(app, caller, 'rename');
        checkAppName(body);
        if (!(await deps.store.apps.rename(app.uuid, body))) {
          throw userError(`App with name "${body}" already exists.`);
        }
        // A bare string would go out as text/plain; upstream answers a JSON string.
        return reply.header('content-type', 'application/json').send(JSON.stringify(body));
      },
    }),
  ];
}
