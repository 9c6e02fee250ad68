// `osmo pool list`: GPU quota and capacity per pool, node set by node set, with a totals row.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { toPythonJson } from '../../output/json.js';
import { renderTable, tableTerminal, type TableTerminal } from '../../output/table.js';
import { choiceOption, formatTypeOption, listOption, type FormatType } from '../../parse/options.js';
import type { PoolQuota, ResourceUsage } from '../../../api/contract/pool-wire.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

type Usage = ResourceUsage;
type PoolQuotaResponse = PoolQuota;

const COLUMNS = {
  used: ['quota_used', 'quota_limit', 'total_usage', 'total_capacity'],
  free: ['quota_free', 'total_free'],
} as const;
const TITLES: Record<keyof Usage, string> = {
  quota_used: 'Quota Used',
  quota_free: 'Quota Free',
  quota_limit: 'Quota Limit',
  total_usage: 'Total Usage',
  total_capacity: 'Total Capacity',
  total_free: 'Total Free',
};

export function poolListCommand(deps: CliDeps): Command {
  return new Command('list')
    .description('List pools with their GPU quota and capacity.')
    .addOption(listOption('-p, --pool <pool...>', 'Only these pools.'))
    .addOption(
      choiceOption('-m, --mode <mode>', 'Which GPU columns to show.', ['used', 'free']).default('used'),
    )
    .addOption(formatTypeOption())
    .action((flags: { pool?: string[]; mode: 'used' | 'free'; formatType: FormatType }) =>
      runPoolList(flags, deps),
    );
}

export async function runPoolList(
  opts: { pool?: string[]; mode: 'used' | 'free'; formatType: FormatType },
  deps: CliDeps,
): Promise<void> {
  const client = await deps.client();
  const response = await client.get(
    WIRE.PoolQuota,
    'api/pool_quota',
    opts.pool ? { pools: opts.pool, all_pools: false } : { all_pools: true },
  );
  if (opts.formatType === 'json') {
    deps.io.out(`${toPythonJson(response, 4)}\n`);
    return;
  }
  deps.io.out(renderPoolTable(response, opts.mode, opts.pool, tableTerminal(deps.io)));
}

export function renderPoolTable(
  response: PoolQuotaResponse,
  mode: 'used' | 'free',
  pools?: string[],
  terminal?: TableTerminal,
): string {
  const sets = response.node_sets.filter((s) => s.pools.length > 0);
  if (sets.length === 0) return pools ? `Pools ${pools.join(', ')} not found\n` : 'No pools available\n';
  const columns = COLUMNS[mode];
  const capacityColumn = columns[columns.length - 1];
  const headers = [
    'Pool',
    'Description',
    'Status',
    ...columns.map((c, i) => `${i === 0 ? 'GPU [#]' : ''}\n${TITLES[c]}`),
  ];
  const rows = sets.flatMap((set) =>
    set.pools.map((p, i) => [
      p.name,
      p.description,
      p.status,
      ...columns.map((c) => `${p.resource_usage[c]}${i > 0 && c === capacityColumn ? ' (shared)' : ''}`),
    ]),
  );
  const sum = ['', '', '', ...columns.map((c) => response.resource_sum[c])];
  return renderTable(headers, rows, { sumRow: sum, terminal });
}
