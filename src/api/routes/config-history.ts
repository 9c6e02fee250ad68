// Configuration history: list, rollback, revision delete, tags and diff.
import { z } from 'zod';
import { CONFIG_TYPES, MANAGED_CONFIG_TYPES } from '../../config/pool-config.js';
import type { ManagedConfigType } from '../../config/pool-config.js';
import { userError } from '../../core/index.js';
import { flag, isoDate, repeated } from '../contract/query-values.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { ConfigDiff, ConfigHistory } from '../contract/config-wire.js';
import { Done } from '../contract/wire-registry.js';

const HistoryQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(20),
  order: z.enum(['ASC', 'DESC']).default('ASC'),
  config_types: repeated.pipe(z.array(z.enum(CONFIG_TYPES))),
  name: z.string().optional(),
  revision: z.coerce.number().int().positive().optional(),
  tags: repeated,
  created_before: isoDate,
  created_after: isoDate,
  at_timestamp: isoDate,
  omit_data: flag.default(false),
});

const managed = (t: string): ManagedConfigType => {
  const upper = t.toUpperCase();
  if (!(MANAGED_CONFIG_TYPES as readonly string[]).includes(upper)) {
    throw userError(`Invalid config type "${t}". Available types: ${MANAGED_CONFIG_TYPES.join(', ')}`);
  }
  return upper as ManagedConfigType;
};

export function configHistoryRoutes(deps: ApiDeps): RouteList {
  const history = deps.store.configHistory;
  const revisionOf = async (type: ManagedConfigType, revision: number) => {
    const found = await history.get(type, revision);
    if (!found || found.deletedAt !== null)
      throw userError(`Revision ${revision} of ${type} config not found.`);
    return found;
  };
  return [
    defineRoute({
      method: 'GET',
      url: '/api/configs/history',
      operationId: 'listConfigRevisions',
      response: ConfigHistory,
      summary: 'Revisions of configurations',
      access: 'admin',
      query: HistoryQuery,
      handler: async ({ query }) => {
        if (query.at_timestamp && (query.created_before || query.created_after)) {
          throw userError('at_timestamp cannot be combined with created_before or created_after');
        }
        const rows = await history.list({
          configTypes: query.config_types,
          ...(query.name === undefined ? {} : { name: query.name }),
          ...(query.revision === undefined ? {} : { revision: query.revision }),
          tags: query.tags,
          ...(query.created_before ? { createdBefore: new Date(query.created_before) } : {}),
          ...(query.created_after ? { createdAfter: new Date(query.created_after) } : {}),
          ...(query.at_timestamp ? { atTimestamp: new Date(query.at_timestamp) } : {}),
          offset: query.offset,
          limit: query.limit,
          order: query.order,
        });
        return {
          configs: rows.map((r) => ({
            config_type: r.configType,
            name: r.name ?? '',
            revision: r.revision,
            username: r.username,
            created_at: r.createdAt.toISOString().replace('Z', ''),
            description: r.description,
            tags: r.tags.length > 0 ? [...r.tags] : null,
            data: query.omit_data ? null : r.data,
          })),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/configs/history/rollback',
      operationId: 'rollbackConfig',
      response: Done,
      summary: 'Re-applies an earlier revision as a new one',
      access: 'admin',
      body: z.object({
        config_type: z.string(),
        revision: z.number().int().positive(),
        description: z.string().optional(),
        tags: z.array(z.string()).optional(),
      }),
      handler: async ({ body, caller }) => {
        const type = managed(body.config_type);
        const old = await revisionOf(type, body.revision);
        await deps.ctx.config.write(type, old.data, {
          username: caller?.user ?? '',
          description: `Roll back ${type} to r${body.revision}${body.description ? `: ${body.description}` : ''}`,
          tags: body.tags ?? [],
        });
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/configs/history/:config_type/revision/:revision',
      operationId: 'deleteConfigRevision',
      response: Done,
      summary: 'Soft-deletes a revision that is not the current one',
      access: 'admin',
      params: z.object({ config_type: z.string(), revision: z.coerce.number().int().positive() }),
      handler: async ({ params, caller }) => {
        const type = managed(params.config_type);
        await revisionOf(type, params.revision);
        const latest = await history.latest(type);
        if (latest?.revision === params.revision) {
          throw userError(`Cannot delete the current revision ${params.revision} of ${type} config.`);
        }
        await history.softDelete(type, params.revision, caller?.user ?? '', deps.ctx.now());
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/configs/history/:config_type/revision/:revision/tags',
      operationId: 'tagConfigRevision',
      response: Done,
      summary: 'Adds and removes tags of a revision',
      access: 'admin',
      params: z.object({ config_type: z.string(), revision: z.coerce.number().int().positive() }),
      body: z.object({
        set_tags: z.array(z.string()).nullable().optional(),
        delete_tags: z.array(z.string()).nullable().optional(),
      }),
      handler: async ({ params, body }) => {
        const type = managed(params.config_type);
        const current = await revisionOf(type, params.revision);
        const drop = new Set(body.delete_tags ?? []);
        const tags = [...current.tags, ...(body.set_tags ?? [])].filter((t) => !drop.has(t));
        await history.setTags(type, params.revision, tags);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/configs/diff',
      operationId: 'diffConfigRevisions',
      response: ConfigDiff,
      summary: 'The data of two revisions',
      access: 'admin',
      query: z.object({
        config_type: z.string(),
        first_revision: z.coerce.number().int().positive(),
        second_revision: z.coerce.number().int().positive(),
      }),
      handler: async ({ query }) => {
        const type = managed(query.config_type);
        const first = await revisionOf(type, query.first_revision);
        const second = await revisionOf(type, query.second_revision);
        return { first_data: first.data, second_data: second.data };
      },
    }),
  ];
}
