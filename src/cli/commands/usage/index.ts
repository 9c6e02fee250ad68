// `osmo usage`: GPU-, CPU- and memory-hours held by task attempts, per user, pool, workflow or task.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { toPythonJson } from '../../output/json.js';
import { renderTable, tableTerminal } from '../../output/table.js';
import { choiceOption, listOption } from '../../parse/options.js';
import { usageCsv } from './usage-csv.js';
import {
  AMOUNT_COLUMNS,
  FORMATS,
  GROUPINGS,
  KEY_COLUMNS,
  TITLES,
  type Grouping,
  type UsageFormat,
} from './usage-columns.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export interface UsageOptions {
  readonly users: readonly string[];
  readonly pools: readonly string[];
  readonly since: string | undefined;
  readonly until: string | undefined;
  readonly groupBy: Grouping;
  readonly format: UsageFormat;
}

export function usageCommand(deps: CliDeps): Command {
  return new Command('usage')
    .description(
      'GPU, CPU and memory hours held by task attempts in a time window (default the last 30 days). ' +
        'Administrators see every user; others see themselves.',
    )
    .addOption(listOption('-u, --user <user...>', 'Only these users (administrators).'))
    .addOption(listOption('-p, --pool <pool...>', 'Only these pools.'))
    .option('--since <time>', 'Window start: UTC date or ISO 8601 time (default 30 days before --until).')
    .option('--until <time>', 'Window end: UTC date or ISO 8601 time (default now).')
    .addOption(
      choiceOption('-g, --group-by <key>', 'Sum per user, pool, workflow or task.', GROUPINGS).default(
        'user',
      ),
    )
    .addOption(
      choiceOption('-t, --format-type <format>', 'Output format: text, json or csv.', FORMATS).default(
        'text',
      ),
    )
    .action(
      (flags: {
        user?: string[];
        pool?: string[];
        since?: string;
        until?: string;
        groupBy: Grouping;
        formatType: UsageFormat;
      }) =>
        runUsage(
          {
            users: flags.user ?? [],
            pools: flags.pool ?? [],
            since: flags.since,
            until: flags.until,
            groupBy: flags.groupBy,
            format: flags.formatType,
          },
          deps,
        ),
    );
}

export async function runUsage(opts: UsageOptions, deps: CliDeps): Promise<void> {
  const client = await deps.client();
  const response = await client.get(WIRE.UsageReport, 'api/usage', {
    group_by: opts.groupBy,
    users: [...opts.users],
    pools: [...opts.pools],
    since: opts.since,
    until: opts.until,
  });
  if (opts.format === 'json') {
    deps.io.out(`${toPythonJson(response, 2)}\n`);
    return;
  }
  if (opts.format === 'csv') {
    deps.io.out(usageCsv(response));
    return;
  }
  deps.io.out(`Usage from ${response.since} to ${response.until}:\n`);
  if (response.usage.length === 0) {
    deps.io.out('No task held resources in this window.\n');
    return;
  }
  const keys = KEY_COLUMNS[response.group_by];
  const columns = [...keys, ...AMOUNT_COLUMNS];
  const rows = response.usage.map((r) => columns.map((c) => String(r[c] ?? '')));
  const sum = [
    ...keys.map((_, i) => (i === 0 ? 'Total' : '')),
    ...AMOUNT_COLUMNS.map((c) => String(response.total[c])),
  ];
  deps.io.out(
    renderTable(
      columns.map((c) => TITLES[c] ?? c),
      rows,
      { sumRow: sum, terminal: tableTerminal(deps.io) },
    ),
  );
}
