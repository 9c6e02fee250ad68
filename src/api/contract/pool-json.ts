// Wire shapes of pools, quota and resources.
import type { ConfigDocument, Pool } from '../../config/pool-config.js';
import type { NodeCapacity, PoolUsage, QuotaReport } from '../../scheduler/index.js';
import { DEFAULT_GPU_QUOTA, nodeMatchesPlatform } from '../../scheduler/index.js';
import type { PoolMinimal, PoolQuota, ResourceEntry, ResourceUsage } from './pool-wire.js';

const GIB = 1024 ** 3;

/** Whether a backend, by name, answers its heartbeat now. */
export type BackendOnline = (backend: string) => boolean;

/** A pool is ONLINE while its backend answers its heartbeat, as upstream's status rule says. */
export function poolStatus(pool: Pool, online: BackendOnline): 'MAINTENANCE' | 'ONLINE' | 'OFFLINE' {
  return pool.enable_maintenance ? 'MAINTENANCE' : online(pool.backend) ? 'ONLINE' : 'OFFLINE';
}

export function poolMinimal(pool: Pool, name: string, online: BackendOnline): PoolMinimal {
  return {
    name,
    description: pool.description,
    status: poolStatus(pool, online),
    download_type: pool.download_type,
    enable_maintenance: pool.enable_maintenance,
    backend: pool.backend,
    default_platform: pool.default_platform,
    default_exec_timeout: pool.default_exec_timeout,
    default_queue_timeout: pool.default_queue_timeout,
    max_exec_timeout: pool.max_exec_timeout,
    max_queue_timeout: pool.max_queue_timeout,
    default_exit_actions: pool.default_exit_actions,
    resources: { gpu: pool.resources.gpu ?? DEFAULT_GPU_QUOTA },
    topology_keys: pool.topology_keys,
    platforms: Object.fromEntries(
      Object.entries(pool.platforms).map(([p, pl]) => [
        p,
        {
          description: pl.description,
          host_network_allowed: pl.host_network_allowed,
          privileged_allowed: pl.privileged_allowed,
          allowed_mounts: pl.allowed_mounts,
          default_mounts: pl.default_mounts,
        },
      ]),
    ),
  };
}

const usageJson = (u: PoolUsage): ResourceUsage => ({
  quota_used: String(u.quotaUsed),
  quota_free: String(u.quotaFree),
  quota_limit: String(u.quotaLimit),
  total_usage: String(u.totalUsage),
  total_capacity: String(u.totalCapacity),
  total_free: String(u.totalFree),
});

export function poolQuotaJson(
  doc: ConfigDocument,
  report: QuotaReport,
  only: ReadonlySet<string> | null,
  online: BackendOnline,
): PoolQuota {
  const sets = report.nodeSets
    .map((set) => ({
      pools: set.pools
        .filter((p) => only === null || only.has(p.name))
        .flatMap((p) => {
          const pool = doc.pools[p.name];
          return pool ? [{ ...poolMinimal(pool, p.name, online), resource_usage: usageJson(p.usage) }] : [];
        }),
    }))
    .filter((s) => s.pools.length > 0);
  const sum = { quotaUsed: 0, quotaFree: 0, quotaLimit: 0, totalUsage: 0, totalCapacity: 0, totalFree: 0 };
  for (const set of report.nodeSets) {
    const shown = set.pools.filter((p) => only === null || only.has(p.name));
    for (const p of shown) {
      sum.quotaUsed += p.usage.quotaUsed;
      sum.quotaFree += p.usage.quotaFree;
      sum.quotaLimit += p.usage.quotaLimit;
      sum.totalUsage += p.usage.totalUsage;
    }
    const first = shown[0];
    if (first) {
      sum.totalCapacity += first.usage.totalCapacity;
      sum.totalFree += first.usage.totalFree;
    }
  }
  return { node_sets: sets, resource_sum: usageJson(sum) };
}

export interface NodeUsage {
  readonly cpu: number;
  readonly memoryBytes: number;
  readonly gpu: number;
  readonly storageBytes: number;
}

/** Which (pool, platform) pairs of a node a listing shows. */
export type PairFilter = (pool: string, platform: string) => boolean;

/** A node with the usage of the attempts placed on it. */
export interface NodeRow {
  readonly node: NodeCapacity;
  readonly used: NodeUsage;
}

/** Every (pool, platform) of the node's backend whose labels the node carries, pools by name. */
export function nodePairs(doc: ConfigDocument, node: NodeCapacity): [string, string][] {
  const all: [string, string][] = [];
  for (const [poolName, pool] of Object.entries(doc.pools).sort(([a], [b]) => a.localeCompare(b))) {
    if (node.backend !== undefined && node.backend !== pool.backend) continue;
    for (const [platformName, platform] of Object.entries(pool.platforms)) {
      if (nodeMatchesPlatform(node, { name: platformName, labels: platform.labels }))
        all.push([poolName, platformName]);
    }
  }
  return all;
}

/**
 * One ResourcesEntry for a node and the pools/platforms it belongs to that `keep` admits; null
 * when none is admitted. `resource_type` counts every pool of the node, shown or not.
 */
export function resourceEntry(
  doc: ConfigDocument,
  node: NodeCapacity,
  used: NodeUsage,
  keep: PairFilter,
): ResourceEntry | null {
  const all = nodePairs(doc, node);
  const pairs = all.filter(([pool, platform]) => keep(pool, platform));
  if (pairs.length === 0) return null;
  const storageGi = Math.floor((node.storageBytes ?? 0) / GIB);
  const alloc = {
    storage: node.storageBytes ?? 0,
    cpu: node.reportedCpu ?? node.cpu,
    memory: `${Math.floor(node.memoryBytes / 1024)}Ki`,
    gpu: node.gpu,
  };
  const byPool = <T>(value: (pool: string, platform: string) => T): Record<string, Record<string, T>> => {
    const out: Record<string, Record<string, T>> = {};
    for (const [pool, platform] of pairs) (out[pool] ??= {})[platform] = value(pool, platform);
    return out;
  };
  const distinctPools = new Set(pairs.map(([p]) => p));
  const nodePools = new Set(all.map(([p]) => p)).size;
  return {
    hostname: node.name,
    exposed_fields: {
      node: node.name,
      'pool/platform': pairs.map(([p, pl]) => `${p}/${pl}`),
      storage: String(storageGi),
      cpu: String(alloc.cpu),
      memory: String(Math.floor(node.memoryBytes / GIB)),
      gpu: String(node.gpu),
    },
    taints: [],
    usage_fields: {
      storage: String(used.storageBytes),
      cpu: String(used.cpu),
      memory: `${Math.ceil(used.memoryBytes / 1024)}Ki`,
      gpu: String(used.gpu),
    },
    conditions: null,
    non_workflow_usage_fields: { cpu: '0', memory: '0', 'ephemeral-storage': '0', 'nvidia.com/gpu': '0' },
    allocatable_fields: {
      storage: String(alloc.storage),
      cpu: String(alloc.cpu),
      memory: alloc.memory,
      gpu: String(alloc.gpu),
    },
    platform_allocatable_fields: byPool(() => alloc),
    platform_available_fields: byPool(() => ({
      storage: Math.max(0, alloc.storage - used.storageBytes),
      cpu: Math.max(0, alloc.cpu - used.cpu),
      memory: `${Math.max(0, Math.floor((node.memoryBytes - used.memoryBytes) / 1024))}Ki`,
      gpu: Math.max(0, node.gpu - used.gpu),
    })),
    platform_workflow_allocatable_fields: byPool(() => alloc),
    config_fields: byPool((pool, platform) => {
      const pl = doc.pools[pool]?.platforms[platform];
      return {
        host_network: pl?.host_network_allowed ?? false,
        privileged: pl?.privileged_allowed ?? false,
        default_mounts: pl?.default_mounts ?? [],
        allowed_mounts: pl?.allowed_mounts ?? [],
      };
    }),
    backend: node.backend ?? '',
    label_fields: null,
    pool_platform_labels: Object.fromEntries(
      [...distinctPools].map((p) => [p, pairs.filter(([q]) => q === p).map(([, pl]) => pl)]),
    ),
    resource_type: nodePools > 1 ? 'SHARED' : nodePools === 1 ? 'RESERVED' : 'UNUSED',
  };
}
