// `osmo config list` and `osmo config history`.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { toPythonJson } from '../../output/json.js';
import { renderTable, tableTerminal, type TableTerminal } from '../../output/table.js';
import { displayTimeOrDash } from '../../output/time.js';
import {
  choiceOption,
  formatTypeOption,
  intOption,
  listOption,
  type FormatType,
} from '../../parse/options.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export const OPERABLE_TYPES = [
  'BACKEND',
  'BACKEND_TEST',
  'GROUP_TEMPLATE',
  'POD_TEMPLATE',
  'POOL',
  'RESOURCE_VALIDATION',
  'ROLE',
  'SERVICE',
  'WORKFLOW',
] as const;

export function configListCommand(deps: CliDeps): Command {
  return new Command('list')
    .description('Current revision of every config type.')
    .addOption(formatTypeOption())
    .option('--fit-width', 'Wrap the table to the terminal width.')
    .action(async (flags: { formatType: FormatType; fitWidth?: boolean }) => {
      const client = await deps.client();
      const r = await client.get(WIRE.ConfigHistory, 'api/configs/history', {
        config_types: [...OPERABLE_TYPES],
        omit_data: true,
        at_timestamp: new Date(deps.nowMs()).toISOString(),
      });
      if (flags.formatType === 'json') return deps.io.out(`${toPythonJson(r, 2)}\n`);
      const rows = [...r.configs]
        .sort((a, b) => a.config_type.localeCompare(b.config_type))
        .map((c) => [c.config_type, c.revision, c.username, displayTimeOrDash(c.created_at, deps.timeZone)]);
      deps.io.out(
        renderTable(['Config Type', 'Revision', 'Username', 'Created At'], rows, {
          autoTyped: true,
          terminal: configTableTerminal(deps, flags.fitWidth === true),
        }),
      );
    });
}

interface HistoryFlags {
  offset: number;
  count: number;
  order: 'asc' | 'desc';
  name?: string;
  revision?: number;
  tags?: string[];
  formatType: FormatType;
  fitWidth?: boolean;
}

/** `--fit-width` wraps cells to the terminal; without a terminal to measure it says so and goes on. */
function configTableTerminal(deps: CliDeps, fitWidth: boolean): TableTerminal | undefined {
  if (!fitWidth) return tableTerminal(deps.io);
  if (deps.io.columns('out') === undefined) {
    deps.io.out('Error getting terminal width to set max width.\n');
    return undefined;
  }
  return tableTerminal(deps.io, 'wrap');
}

export function configHistoryCommand(deps: CliDeps): Command {
  return new Command('history')
    .description('Revisions of configurations.')
    .argument('[config_type]', 'Only this config type.')
    .addOption(intOption('-o, --offset <n>', 'Skip this many.', 0).default(0))
    .addOption(intOption('-c, --count <n>', 'How many.', 1).default(20))
    .addOption(choiceOption('--order <order>', 'Order by creation time.', ['asc', 'desc']).default('asc'))
    .option('-n, --name <name>', 'Changes touching this named entry.')
    .addOption(intOption('-r, --revision <n>', 'This revision.', 1))
    .addOption(listOption('--tags <tag...>', 'Revisions carrying all these tags.'))
    .addOption(formatTypeOption())
    .option('--fit-width', 'Wrap the table to the terminal width.')
    .action(async (type: string | undefined, flags: HistoryFlags) => {
      const client = await deps.client();
      const r = await client.get(WIRE.ConfigHistory, 'api/configs/history', {
        config_types: type ? [type.toUpperCase()] : undefined,
        offset: flags.offset,
        limit: flags.count,
        order: flags.order.toUpperCase(),
        name: flags.name,
        revision: flags.revision,
        tags: flags.tags,
        omit_data: true,
      });
      if (flags.formatType === 'json') return deps.io.out(`${toPythonJson(r, 2)}\n`);
      const rows = r.configs.map((c) => [
        c.config_type,
        c.name || '-',
        c.revision,
        c.username,
        displayTimeOrDash(c.created_at, deps.timeZone),
        c.description,
        c.tags && c.tags.length > 0 ? [...c.tags].sort().join(', ') : '-',
      ]);
      deps.io.out(
        renderTable(
          ['Config Type', 'Name', 'Revision', 'Username', 'Created At', 'Description', 'Tags'],
          rows,
          {
            autoTyped: true,
            terminal: configTableTerminal(deps, flags.fitWidth === true),
          },
        ),
      );
    });
}
