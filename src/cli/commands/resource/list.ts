// `osmo resource list`: nodes by pool and platform with used/capacity or free cells and a totals row.
import { Command } from 'commander';
import { userError } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { toPythonJson } from '../../output/json.js';
import { renderTable, tableTerminal, type TableTerminal } from '../../output/table.js';
import { choiceOption, formatTypeOption, listOption, type FormatType } from '../../parse/options.js';
import { resolvePool } from '../shared/default-pool.js';
import type { ResourceEntry, ResourcesResponse } from './entry.js';
import { splitPair } from './entry.js';
import { displayAmount, RESOURCE_KINDS, type ResourceKind } from './quantity.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export type ResourceMode = 'used' | 'free';

export interface ResourceListOptions {
  readonly pool?: readonly string[];
  readonly platform?: readonly string[];
  readonly all: boolean;
  readonly mode: ResourceMode;
  readonly formatType: FormatType;
}

const HEADERS = ['Node', 'Pool', 'Platform', 'Type', 'Storage [Gi]', 'CPU [#]', 'Memory [Gi]', 'GPU [#]'];

export function resourceListCommand(deps: CliDeps): Command {
  return new Command('list')
    .description('List resources (nodes) of pools with their usage and capacity.')
    .addOption(listOption('-p, --pool <pool...>', 'Pools to show (default: your default pool).'))
    .addOption(listOption('--platform <platform...>', 'Only these platforms (with --pool).'))
    .option('-a, --all', 'Show the resources of all pools.')
    .addOption(
      choiceOption('-m, --mode <mode>', 'Show used/capacity or free amounts.', ['used', 'free']).default(
        'used',
      ),
    )
    .addOption(formatTypeOption())
    .action(
      (flags: {
        pool?: string[];
        platform?: string[];
        all?: boolean;
        mode: ResourceMode;
        formatType: FormatType;
      }) =>
        runResourceList(
          {
            ...(flags.pool ? { pool: flags.pool } : {}),
            ...(flags.platform ? { platform: flags.platform } : {}),
            all: flags.all === true,
            mode: flags.mode,
            formatType: flags.formatType,
          },
          deps,
        ),
    );
}

export async function runResourceList(opts: ResourceListOptions, deps: CliDeps): Promise<void> {
  const client = await deps.client();
  // The default pool and the name check run even with --all.
  const pools = opts.pool ?? [await resolvePool(client, undefined)];
  const listing = await client.get(WIRE.PoolList, 'api/pool');
  for (const pool of pools) {
    if (!(pool in (listing.pools ?? {}))) throw userError(`Pool ${pool} does not exist!`);
  }
  const response = await client.get(WIRE.Resources, 'api/resources', {
    pools,
    all_pools: opts.all,
    ...(opts.platform ? { platforms: opts.platform } : {}),
  });
  if (opts.formatType === 'json') {
    deps.io.out(`${toPythonJson(response, 4)}\n`);
    return;
  }
  deps.io.out(renderResourceTable(response, opts.mode, tableTerminal(deps.io)));
}

interface Amount {
  readonly used: number;
  readonly capacity: number;
}

/** Capacity floored, usage ceiled into [0, capacity]; null when the kind is skipped. */
function amountOf(entry: ResourceEntry, pool: string, platform: string, kind: ResourceKind): Amount | null {
  const byPlatform = entry.platform_allocatable_fields?.[pool]?.[platform];
  const source = byPlatform ?? entry.allocatable_fields ?? {};
  const capacityRaw = displayAmount(kind, source[kind]);
  const usage = entry.usage_fields?.[kind];
  if (usage === undefined && (kind === 'storage' || kind === 'memory')) return null;
  const usedRaw = usage === undefined ? 0 : displayAmount(kind, usage);
  if (capacityRaw === null || usedRaw === null) return null;
  const capacity = Math.floor(capacityRaw);
  if (capacity <= 0) return null;
  return { used: Math.min(capacity, Math.max(0, Math.ceil(usedRaw))), capacity };
}

const cellOf = (a: Amount | null, mode: ResourceMode): string =>
  a === null ? '0' : mode === 'used' ? `${a.used}/${a.capacity}` : String(a.capacity - a.used);

export function renderResourceTable(
  response: ResourcesResponse,
  mode: ResourceMode,
  terminal?: TableTerminal,
): string {
  if (response.resources.length === 0) return 'There are no available resources.\n';
  const totals = RESOURCE_KINDS.map(() => ({ used: 0, capacity: 0 }));
  const rows = response.resources.flatMap((entry) =>
    (entry.exposed_fields['pool/platform'] ?? []).map((pair, i) => {
      const [pool, platform] = splitPair(pair);
      const amounts = RESOURCE_KINDS.map((kind) => amountOf(entry, pool, platform, kind));
      // A node listed under several pools counts once: its first row.
      if (i === 0) {
        amounts.forEach((a, k) => {
          const t = totals[k];
          if (a === null || t === undefined) return;
          t.used += a.used;
          t.capacity += a.capacity;
        });
      }
      return [
        i === 0 ? entry.hostname : '',
        pool,
        platform,
        i === 0 ? (entry.resource_type ?? '') : '',
        ...amounts.map((a) => cellOf(a, mode)),
      ];
    }),
  );
  const sum = ['', '', '', '', ...totals.map((t) => cellOf(t, mode))];
  return renderTable(HEADERS, rows, { sumRow: sum, terminal });
}
