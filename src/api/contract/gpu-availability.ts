// What an agent needs before it submits: per pool, how many GPUs it can get now and of which kind.
// Computed from the same two wire answers `osmo pool list` and `osmo resource list` print, so a client
// of either the REST API or MCP gets the same figures.
import type { PoolMinimal, ResourceEntry, ResourceUsage } from './pool-wire.js';

/** The parts of `GET /api/pool_quota`'s answer (pool-wire.ts) this reads. */
export interface PoolQuotaWire {
  readonly node_sets: readonly {
    readonly pools: readonly (Pick<PoolMinimal, 'name' | 'description' | 'status'> & {
      readonly resource_usage: Pick<
        ResourceUsage,
        'quota_free' | 'quota_limit' | 'total_free' | 'total_capacity'
      >;
    })[];
  }[];
}
/** The parts of `GET /api/resources`'s answer this reads. */
export interface ResourcesWire {
  readonly resources: readonly Partial<
    Pick<ResourceEntry, 'allocatable_fields' | 'platform_available_fields'>
  >[];
}

/** GPUs of one platform (the GPU type a spec asks for) in one pool. */
export interface PlatformAvailability {
  readonly platform: string;
  readonly nodes: number;
  readonly gpu_capacity: number;
  readonly gpu_free: number;
  /** What a NORMAL or HIGH workflow can get on this platform now: min(quota free, free here). */
  readonly effective_free: number;
}

export interface PoolAvailability {
  readonly pool: string;
  readonly description: string;
  readonly status: string;
  readonly quota_free: number;
  readonly quota_limit: number;
  readonly total_free: number;
  readonly total_capacity: number;
  /** min(quota free, total free): what a NORMAL or HIGH workflow can get now. */
  readonly effective_free: number;
  /** Set when LOW priority would get more GPUs than the quota allows, because LOW never counts toward it. */
  readonly low_priority_hint: string | null;
  readonly platforms: readonly PlatformAvailability[];
}

const num = (s: string | number | undefined): number => {
  const n = Number(s);
  return Number.isFinite(n) ? n : 0;
};

export function gpuAvailability(quota: PoolQuotaWire, resources: ResourcesWire): PoolAvailability[] {
  const platforms = new Map<string, Map<string, { nodes: number; capacity: number; free: number }>>();
  for (const r of resources.resources) {
    const capacity = num(r.allocatable_fields?.['gpu']);
    for (const [pool, byPlatform] of Object.entries(r.platform_available_fields ?? {})) {
      const mine =
        platforms.get(pool) ?? new Map<string, { nodes: number; capacity: number; free: number }>();
      platforms.set(pool, mine);
      for (const [platform, available] of Object.entries(byPlatform)) {
        const sum = mine.get(platform) ?? { nodes: 0, capacity: 0, free: 0 };
        mine.set(platform, {
          nodes: sum.nodes + 1,
          capacity: sum.capacity + capacity,
          free: sum.free + num(available['gpu']),
        });
      }
    }
  }
  return quota.node_sets.flatMap((set) =>
    set.pools.map((p) => {
      const quotaFree = Math.max(0, num(p.resource_usage.quota_free));
      const totalFree = num(p.resource_usage.total_free);
      const effective = Math.min(quotaFree, totalFree);
      return {
        pool: p.name,
        description: p.description,
        status: p.status,
        quota_free: quotaFree,
        quota_limit: num(p.resource_usage.quota_limit),
        total_free: totalFree,
        total_capacity: num(p.resource_usage.total_capacity),
        effective_free: effective,
        low_priority_hint:
          totalFree > effective
            ? `Quota allows ${effective} GPU(s) now, but ${totalFree} are free: a LOW priority workflow ` +
              `does not count toward quota and can use them, at the risk of being preempted.`
            : null,
        platforms: [...(platforms.get(p.name) ?? new Map())]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([platform, s]) => ({
            platform,
            nodes: s.nodes,
            gpu_capacity: s.capacity,
            gpu_free: s.free,
            effective_free: Math.min(quotaFree, s.free),
          })),
      };
    }),
  );
}
