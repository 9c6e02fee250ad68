// Pools, pool quota and resources (service-api.md §3.5, §3.6).
import { z } from 'zod';
import { serverError } from '../../core/index.js';
import { poolShapes } from '../../controller/live-config.js';
import type { RunningAttempt } from '../../scheduler/index.js';
import { poolQuotaReport } from '../../scheduler/index.js';
import type { NodeUsage } from '../contract/pool-json.js';
import { poolMinimal, poolQuotaJson, resourceEntry } from '../contract/pool-json.js';
import { flag, repeated } from '../contract/query-values.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';

const GIB = 1024 ** 3;
const PoolQuery = z.object({ pools: repeated, all_pools: flag.default(true) });
const ResourceQuery = z.object({ pools: repeated, platforms: repeated, all_pools: flag.default(false) });

export function poolRoutes(deps: ApiDeps): RouteList {
  const selected = (pools: readonly string[], all: boolean): Set<string> | null =>
    pools.length > 0 && !(all && pools.length === 0) ? new Set(pools) : null;
  const attempts = async (): Promise<RunningAttempt[]> =>
    (await deps.store.tasks.listRunningAttempts(['SCHEDULING', 'INITIALIZING', 'RUNNING']))
      .filter((a) => a.nodeName !== null)
      .map((a) => ({
        node: a.nodeName ?? '',
        cpu: a.cpuCount,
        memoryBytes: a.memoryGib * GIB,
        gpu: a.gpuCount,
        gpuIndices: a.gpuIndices,
        pool: a.pool ?? '',
        priority: a.priority,
        running: a.status === 'RUNNING',
        storageBytes: a.diskGib * GIB,
      }));
  const resources = async (only: Set<string> | null, nodeName: string | null): Promise<object[]> => {
    const doc = deps.ctx.config.current();
    const running = await attempts();
    const out: object[] = [];
    for (const node of deps.ctx.nodes()) {
      if (nodeName !== null && node.name !== nodeName) continue;
      const here = running.filter((r) => r.node === node.name);
      const used: NodeUsage = {
        cpu: here.reduce((s, r) => s + r.cpu, 0),
        memoryBytes: here.reduce((s, r) => s + r.memoryBytes, 0),
        gpu: here.reduce((s, r) => s + r.gpu, 0),
        storageBytes: 0,
      };
      const entry = resourceEntry(doc, node, used, only);
      if (entry) out.push(entry);
    }
    return out;
  };
  return [
    defineRoute({
      method: 'GET',
      url: '/api/pool',
      summary: 'Pools by name',
      access: 'user',
      query: PoolQuery,
      handler: async ({ query }) => {
        const doc = deps.ctx.config.current();
        const only = selected(query.pools, query.all_pools);
        const names = Object.keys(doc.pools)
          .sort()
          .filter((n) => only === null || only.has(n));
        return {
          pools: Object.fromEntries(names.map((n) => [n, poolMinimal(doc.pools[n] as never, n, doc)])),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/pool_quota',
      summary: 'GPU quota and capacity per pool and node set',
      access: 'user',
      query: PoolQuery,
      handler: async ({ query }) => {
        const doc = deps.ctx.config.current();
        const report = poolQuotaReport(poolShapes(doc), deps.ctx.nodes(), await attempts());
        return poolQuotaJson(doc, report, selected(query.pools, query.all_pools));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/resources',
      summary: 'Nodes with their pools, platforms, capacity and usage',
      access: 'user',
      query: ResourceQuery,
      handler: async ({ query }) => ({
        resources: await resources(
          query.pools.length > 0 && !query.all_pools ? new Set(query.pools) : null,
          null,
        ),
      }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/resources/:name',
      summary: 'One node',
      access: 'user',
      params: z.object({ name: z.string() }),
      handler: async ({ params }) => {
        const found = await resources(null, params.name);
        if (found.length === 0) throw serverError(`Resource ${params.name} does not exist!`);
        return { resources: found };
      },
    }),
  ];
}
