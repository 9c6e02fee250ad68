// Configuration endpoints for pools, backends, validation rules and workflow settings.
import { z } from 'zod';
import type { ManagedConfigType } from '../../config/pool-config.js';
import { MANAGED_CONFIG_TYPES } from '../../config/pool-config.js';
import { serverError, userError } from '../../core/index.js';
import { typeData } from '../../controller/live-config.js';
import { strategicMerge } from '../contract/strategic-merge.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList, RouteInput } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { configHistoryRoutes } from './config-history.js';
import { roleConfigRoutes } from './role-configs.js';
import { serviceConfigRoutes } from './service-config.js';
import {
  BackendInfo,
  BackendList,
  MergedConfig,
  PoolConfig,
  PoolConfigs,
  ResourceValidationConfig,
  WorkflowConfig,
} from '../contract/config-wire.js';
import { Done } from '../contract/wire-registry.js';

const Envelope = z.object({
  description: z.string().optional(),
  tags: z.array(z.string()).optional(),
});
const WithConfigs = Envelope.extend({ configs: z.unknown() });
const WithDict = Envelope.extend({ configs_dict: z.unknown() });
const Name = z.object({ name: z.string() });

/**
 * Every route here, reads included, is admin-only: upstream's `osmo-user` role has no `config:Read`,
 * and pool configs describe pools the caller's roles may not allow. Ordinary users read what they
 * need through `/api/pool`, `/api/resources` and `/api/profile`, which filter by pool access.
 */
export function configRoutes(deps: ApiDeps): RouteList {
  const live = deps.ctx.config;
  const write = async (
    type: ManagedConfigType,
    data: unknown,
    input: Pick<RouteInput<unknown, unknown, z.infer<typeof Envelope>>, 'caller' | 'body'>,
    fallback: string,
    name: string | null = null,
  ): Promise<void> =>
    live.write(type, data, {
      username: input.caller?.user ?? '',
      description: input.body.description ?? fallback,
      tags: input.body.tags ?? [],
      name,
    });
  const pools = () => live.current().pools;
  const pool = (name: string) => {
    const found = pools()[name];
    if (found === undefined) throw userError(`Pool ${name} not found.`);
    return found;
  };
  const backends = () => {
    const doc = live.current();
    const states = new Map(deps.ctx.backends.states(doc).map((s) => [s.name, s]));
    return doc.backends.map((b) => {
      const state = states.get(b.name);
      return {
        name: b.name,
        description: b.description,
        version: '',
        k8s_uid: '',
        k8s_namespace: b.k8s_namespace,
        dashboard_url: b.dashboard_url,
        grafana_url: b.grafana_url,
        tests: [],
        scheduler_settings: { scheduler_type: 'osmo', scheduler_name: 'osmo', scheduler_timeout: 30 },
        node_conditions: { rules: { Ready: 'True' }, prefix: 'osmo.nvidia.com/' },
        last_heartbeat: state?.lastHeartbeat?.toISOString() ?? null,
        created_date: null,
        router_address: b.router_address,
        online: state?.online ?? false,
        nodes: b.nodes,
        kind: b.kind,
        running_kind: state?.kind ?? '',
        last_error: state?.lastError ?? null,
        node_count: state?.nodeCount ?? 0,
        docker_host: b.docker_host,
        slurm: b.slurm,
        kubernetes: b.kubernetes,
      };
    });
  };
  return [
    defineRoute({
      method: 'GET',
      url: '/api/configs/pool',
      operationId: 'listPoolConfigs',
      response: PoolConfigs,
      summary: 'Every pool',
      access: 'admin',
      handler: async () => ({ pools: pools() }),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/configs/pool',
      operationId: 'putPoolConfigs',
      response: Done,
      summary: 'Upserts the given pools',
      access: 'admin',
      body: WithConfigs,
      handler: async ({ body, caller }) => {
        const next = { ...pools(), ...(body.configs as Record<string, unknown>) };
        await write('POOL', { pools: next }, { body, caller }, 'Put complete pool configuration');
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/configs/pool/:name',
      operationId: 'getPoolConfig',
      response: PoolConfig,
      summary: 'One pool',
      access: 'admin',
      params: Name,
      handler: async ({ params }) => pool(params.name),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/configs/pool/:name',
      operationId: 'putPoolConfig',
      response: Done,
      summary: 'Replaces one pool',
      access: 'admin',
      params: Name,
      body: WithConfigs,
      handler: async ({ params, body, caller }) => {
        const next = { ...pools(), [params.name]: body.configs };
        await write(
          'POOL',
          { pools: next },
          { body, caller },
          `Put complete pool ${params.name}`,
          params.name,
        );
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/configs/pool/:name',
      operationId: 'patchPoolConfig',
      response: PoolConfig,
      summary: 'Merges a partial pool into one pool',
      access: 'admin',
      params: Name,
      body: WithDict,
      handler: async ({ params, body, caller }) => {
        const merged = strategicMerge(pool(params.name), body.configs_dict);
        await write(
          'POOL',
          { pools: { ...pools(), [params.name]: merged } },
          { body, caller },
          `Patched pool ${params.name}`,
          params.name,
        );
        return pool(params.name);
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/configs/pool/:name',
      operationId: 'deletePoolConfig',
      response: Done,
      summary: 'Deletes one pool',
      access: 'admin',
      params: Name,
      body: Envelope,
      handler: async ({ params, body, caller }) => {
        pool(params.name);
        const next = Object.fromEntries(Object.entries(pools()).filter(([n]) => n !== params.name));
        await write('POOL', { pools: next }, { body, caller }, `Deleted pool ${params.name}`, params.name);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/configs/backend',
      operationId: 'listBackends',
      response: BackendList,
      summary: 'Every backend',
      access: 'admin',
      handler: async () => ({ backends: backends().sort((a, b) => a.name.localeCompare(b.name)) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/configs/backend/:name',
      operationId: 'getBackend',
      response: BackendInfo,
      summary: 'One backend',
      access: 'admin',
      params: Name,
      handler: async ({ params }) => {
        const found = backends().find((b) => b.name === params.name);
        if (!found) throw serverError(`Backend ${params.name} is not found.`);
        return found;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/configs/backend/:name',
      operationId: 'updateBackend',
      response: Done,
      summary: 'Updates the given fields of a backend, or adds a backend by that name',
      access: 'admin',
      params: Name,
      body: WithConfigs,
      handler: async ({ params, body, caller }) => {
        const current = live.current().backends;
        const configs = body.configs ?? {};
        if (typeof configs !== 'object' || Array.isArray(configs))
          throw userError('configs must be an object of backend fields');
        const fields = Object.fromEntries(Object.entries(configs).filter(([, v]) => v !== null));
        // Ours: upstream's backends register themselves; here an admin adds one by naming it.
        const exists = current.some((b) => b.name === params.name);
        const next = exists
          ? current.map((b) => (b.name === params.name ? { ...b, ...fields, name: b.name } : b))
          : [...current, { ...fields, name: params.name }];
        const verb = exists ? 'Updated' : 'Added';
        await write('BACKEND', next, { body, caller }, `${verb} backend ${params.name}`, params.name);
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/configs/backend/:name',
      operationId: 'deleteBackend',
      response: Done,
      summary: 'Removes a backend (refused while workflows run on it, unless forced)',
      access: 'admin',
      params: Name,
      body: Envelope.extend({ force: z.boolean().optional() }),
      handler: async ({ params, body, caller }) => {
        const current = live.current().backends;
        if (!current.some((b) => b.name === params.name))
          throw serverError(`Backend ${params.name} is not found.`);
        if (body.force !== true) {
          const alive = (await deps.store.workflows.listAlive()).filter((w) => w.backend === params.name);
          if (alive.length > 0) {
            const ids = alive.map((w) => w.workflowId).join(', ');
            throw userError(
              `Backend ${params.name} has workflows that are not finished: ${ids}. Cancel them first, or delete with force.`,
            );
          }
        }
        const next = current.filter((b) => b.name !== params.name);
        await write('BACKEND', next, { body, caller }, `Deleted backend ${params.name}`, params.name);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/configs/workflow',
      operationId: 'getWorkflowConfig',
      response: WorkflowConfig,
      summary: 'The workflow configuration',
      access: 'admin',
      handler: async () => live.current().workflow,
    }),
    defineRoute({
      method: 'GET',
      url: '/api/configs/resource_validation',
      operationId: 'getResourceValidationConfig',
      response: ResourceValidationConfig,
      summary: 'The resource_validation configuration',
      access: 'admin',
      handler: async () => live.current().resource_validations,
    }),
    ...(['workflow', 'resource_validation'] as const).flatMap((kind) => {
      const type: ManagedConfigType = kind === 'workflow' ? 'WORKFLOW' : 'RESOURCE_VALIDATION';
      const title = kind === 'workflow' ? 'Workflow' : 'ResourceValidation';
      return [
        defineRoute({
          method: 'PUT',
          url: `/api/configs/${kind}`,
          operationId: `put${title}Config`,
          response: Done,
          summary: `Replaces the ${kind} configuration`,
          access: 'admin',
          body: Envelope.extend({ configs: z.unknown().optional(), configs_dict: z.unknown().optional() }),
          handler: async ({ body, caller }) => {
            const data = body.configs ?? body.configs_dict;
            const merged =
              type === 'WORKFLOW'
                ? { ...(typeData(live.current(), type) as object), ...(data as object) }
                : data;
            await write(type, merged, { body, caller }, `Put ${kind} configuration`);
          },
        }),
        defineRoute({
          method: 'PATCH',
          url: `/api/configs/${kind}`,
          operationId: `patch${title}Config`,
          response: MergedConfig,
          summary: `Merges into the ${kind} configuration`,
          access: 'admin',
          body: WithDict,
          handler: async ({ body, caller }) => {
            const merged = strategicMerge(typeData(live.current(), type), body.configs_dict);
            await write(type, merged, { body, caller }, `Patched ${kind} configuration`);
            return merged;
          },
        }),
      ];
    }),
    ...roleConfigRoutes(deps),
    ...serviceConfigRoutes(deps),
    ...configHistoryRoutes(deps),
  ];
}

export const isManagedType = (t: string): t is ManagedConfigType =>
  (MANAGED_CONFIG_TYPES as readonly string[]).includes(t);
