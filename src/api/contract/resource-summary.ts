// The concise resource listing (`concise=true`): totals per pool and platform.
import type { ConfigDocument } from '../../config/pool-config.js';
import type { NodeRow, PairFilter } from './pool-json.js';
import { type BackendOnline, nodePairs, poolStatus } from './pool-json.js';
import type { ConciseResources } from './pool-wire.js';

const GIB = 1024 ** 3;

interface Quantities {
  storage: number;
  cpu: number;
  memory: number;
  gpu: number;
}

const zero = (): Quantities => ({ storage: 0, cpu: 0, memory: 0, gpu: 0 });

/** Storage and memory are summed in GiB, as `exposed_fields` reports them. */
export function conciseResources(
  doc: ConfigDocument,
  rows: readonly NodeRow[],
  keep: PairFilter,
  online: BackendOnline,
): ConciseResources {
  const totals = new Map<string, { pool: string; platform: string; usage: Quantities; alloc: Quantities }>();
  for (const { node, used } of rows) {
    for (const [pool, platform] of nodePairs(doc, node)) {
      if (!keep(pool, platform)) continue;
      const key = `${pool}/${platform}`;
      const t = totals.get(key) ?? { pool, platform, usage: zero(), alloc: zero() };
      totals.set(key, t);
      t.alloc.storage += Math.floor((node.storageBytes ?? 0) / GIB);
      t.alloc.cpu += node.reportedCpu ?? node.cpu;
      t.alloc.memory += Math.floor(node.memoryBytes / GIB);
      t.alloc.gpu += node.gpu;
      t.usage.storage += Math.ceil(used.storageBytes / GIB);
      t.usage.cpu += used.cpu;
      t.usage.memory += Math.ceil(used.memoryBytes / GIB);
      t.usage.gpu += used.gpu;
    }
  }
  return {
    pools: [...totals.values()].map((t) => {
      const pool = doc.pools[t.pool];
      return {
        pool: t.pool,
        platform: t.platform,
        status: pool ? poolStatus(pool, online) : 'OFFLINE',
        usage_fields: t.usage,
        allocatable_fields: t.alloc,
        backend: pool?.backend ?? '',
      };
    }),
  };
}
