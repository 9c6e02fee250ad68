// ROLE configuration endpoints: role documents with history, admin-only writes.
import { z } from 'zod';
import type { RoleDocument } from '../../config/pool-config.js';
import { RoleSchema } from '../../config/pool-config.js';
import { userError } from '../../core/index.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { RoleConfig, RoleConfigs } from '../contract/config-wire.js';
import { Done } from '../contract/wire-registry.js';

const Envelope = z.object({ description: z.string().optional(), tags: z.array(z.string()).optional() });
const Name = z.object({ name: z.string() });

function parseRole(raw: unknown, name: string): RoleDocument {
  const result = RoleSchema.safeParse({ ...(raw as object), name });
  if (!result.success) {
    const issue = result.error.issues[0];
    throw userError(`Invalid role ${name}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`);
  }
  return result.data;
}

export function roleConfigRoutes(deps: ApiDeps): RouteList {
  const live = deps.ctx.config;
  const roles = (): readonly RoleDocument[] => live.current().roles;
  const write = async (
    next: readonly RoleDocument[],
    meta: { user: string; body: z.infer<typeof Envelope>; fallback: string; name: string | null },
  ): Promise<void> =>
    live.write('ROLE', next, {
      username: meta.user,
      description: meta.body.description ?? meta.fallback,
      tags: meta.body.tags ?? [],
      name: meta.name,
    });
  return [
    defineRoute({
      method: 'GET',
      url: '/api/configs/role',
      operationId: 'listRoleConfigs',
      response: RoleConfigs,
      summary: 'Every stored role',
      access: 'admin',
      handler: async () => [...roles()],
    }),
    defineRoute({
      method: 'GET',
      url: '/api/configs/role/:name',
      operationId: 'getRoleConfig',
      response: RoleConfig,
      summary: 'One stored role',
      access: 'admin',
      params: Name,
      handler: async ({ params }) => {
        const found = roles().find((r) => r.name === params.name);
        if (!found) throw userError(`Role ${params.name} not found.`);
        return found;
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/configs/role',
      operationId: 'putRoleConfigs',
      response: Done,
      summary: 'Replaces every stored role',
      access: 'admin',
      body: Envelope.extend({ configs: z.array(z.unknown()) }),
      handler: async ({ body, caller }) => {
        const next = body.configs.map((r) => parseRole(r, String((r as { name?: unknown }).name ?? '')));
        await write(next, { user: caller?.user ?? '', body, fallback: 'Put roles', name: null });
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/configs/role/:name',
      operationId: 'putRoleConfig',
      response: Done,
      summary: 'Creates or replaces one role',
      access: 'admin',
      params: Name,
      body: Envelope.extend({ configs: z.unknown() }),
      handler: async ({ params, body, caller }) => {
        const role = parseRole(body.configs, params.name);
        const others = roles().filter((r) => r.name !== params.name);
        await write([...others, role], {
          user: caller?.user ?? '',
          body,
          fallback: `Put role ${params.name}`,
          name: params.name,
        });
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/configs/role/:name',
      operationId: 'deleteRoleConfig',
      response: Done,
      summary: 'Deletes one stored role',
      access: 'admin',
      params: Name,
      body: Envelope,
      handler: async ({ params, body, caller }) => {
        if (!roles().some((r) => r.name === params.name)) throw userError(`Role ${params.name} not found.`);
        await write(
          roles().filter((r) => r.name !== params.name),
          { user: caller?.user ?? '', body, fallback: `Deleted role ${params.name}`, name: params.name },
        );
      },
    }),
  ];
}
