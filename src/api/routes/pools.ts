// Pools, pool quota and resources.
import { z } from 'zod';
import type { ConfigDocument } from '../../config/pool-config.js';
import { userError } from '../../core/index.js';
import { poolShapes } from '../../controller/live-config.js';
import { allowedPools } from '../../identity/index.js';
import type { RunningAttempt } from '../../scheduler/index.js';
import { poolQuotaReport } from '../../scheduler/index.js';
import type { Caller } from '../auth/caller.js';
import type { NodeRow, NodeUsage, PairFilter } from '../contract/pool-json.js';
import { poolMinimal, poolQuotaJson, resourceEntry } from '../contract/pool-json.js';
import { flag, repeated } from '../contract/query-values.js';
import { conciseResources } from '../contract/resource-summary.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import {
  PoolList,
  PoolQuota,
  ResourceListing,
  Resources,
  type ResourceEntry,
} from '../contract/pool-wire.js';

const GIB = 1024 ** 3;
const PoolQuery = z.object({ pools: repeated, all_pools: flag.default(true) });
const ResourceQuery = z.object({
  pools: repeated,
  platforms: repeated,
  all_pools: flag.default(false),
  concise: flag.default(false),
});

export function poolRoutes(deps: ApiDeps): RouteList {
  // Listings show only the pools the caller's roles allow; admins' roles allow every pool.
  const visible = (caller: Caller | null): Set<string> => {
    const doc = deps.ctx.config.current();
    return new Set(allowedPools(caller ?? { roles: [] }, Object.keys(doc.pools).sort(), doc.roles));
  };
  /** The named pools the caller may see, or every such pool when none is named. */
  const backendOnline = (doc: ConfigDocument) => {
    const online = new Set(
      deps.ctx.backends
        .states(doc)
        .filter((b) => b.online)
        .map((b) => b.name),
    );
    return (backend: string): boolean => online.has(backend);
  };
  const selected = (caller: Caller | null, pools: readonly string[]): Set<string> => {
    const allowed = visible(caller);
    return pools.length === 0 ? allowed : new Set(pools.filter((p) => allowed.has(p)));
  };
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
  const usageByNode = async (nodeName: string | null): Promise<NodeRow[]> => {
    const running = await attempts();
    const out: NodeRow[] = [];
    for (const node of deps.ctx.nodes()) {
      if (nodeName !== null && node.name !== nodeName) continue;
      const here = running.filter((r) => r.node === node.name);
      const used: NodeUsage = {
        cpu: here.reduce((s, r) => s + r.cpu, 0),
        memoryBytes: here.reduce((s, r) => s + r.memoryBytes, 0),
        gpu: here.reduce((s, r) => s + r.gpu, 0),
        storageBytes: 0,
      };
      out.push({ node, used });
    }
    return out;
  };
  const resources = async (keep: PairFilter, nodeName: string | null): Promise<ResourceEntry[]> => {
    const doc = deps.ctx.config.current();
    return (await usageByNode(nodeName)).flatMap(
      ({ node, used }) => resourceEntry(doc, node, used, keep) ?? [],
    );
  };
  return [
    defineRoute({
      method: 'GET',
      url: '/api/pool',
      operationId: 'listPools',
      response: PoolList,
      summary: 'Pools by name',
      access: 'user',
      query: PoolQuery,
      handler: async ({ query, caller }) => {
        const doc = deps.ctx.config.current();
        const only = selected(caller, query.pools);
        const names = Object.keys(doc.pools)
          .sort()
          .filter((n) => only.has(n));
        return {
          pools: Object.fromEntries(
            names.map((n) => [n, poolMinimal(doc.pools[n] as never, n, backendOnline(doc))]),
          ),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/pool_quota',
      operationId: 'getPoolQuota',
      response: PoolQuota,
      summary: 'GPU quota and capacity per pool and node set',
      access: 'user',
      query: PoolQuery,
      handler: async ({ query, caller }) => {
        const doc = deps.ctx.config.current();
        const report = poolQuotaReport(poolShapes(doc), deps.ctx.nodes(), await attempts());
        return poolQuotaJson(doc, report, selected(caller, query.pools), backendOnline(doc));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/resources',
      operationId: 'listResources',
      response: ResourceListing,
      summary: 'Nodes with their pools, platforms, capacity and usage',
      access: 'user',
      query: ResourceQuery,
      handler: async ({ query, caller }) => {
        // Explicit pools (all_pools false) narrow the listing, and only then do platforms.
        const explicit = query.pools.length > 0 && !query.all_pools;
        const pools = selected(caller, explicit ? query.pools : []);
        const platforms = explicit && query.platforms.length > 0 ? new Set(query.platforms) : null;
        const keep: PairFilter = (pool, platform) =>
          pools.has(pool) && (platforms === null || platforms.has(platform));
        return query.concise
          ? conciseResources(
              deps.ctx.config.current(),
              await usageByNode(null),
              keep,
              backendOnline(deps.ctx.config.current()),
            )
          : { resources: await resources(keep, null) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/resources/:name',
      operationId: 'getResource',
      response: Resources,
      summary: 'One node',
      access: 'user',
      params: z.object({ name: z.string() }),
      handler: async ({ params, caller }) => {
        const pools = visible(caller);
        const found = await resources((pool) => pools.has(pool), params.name);
        // Upstream answers 500 here; an unknown name is the caller's mistake, so 404.
        if (found.length === 0) throw userError(`Resource ${params.name} does not exist!`, 404);
        return { resources: found };
      },
    }),
  ];
}
