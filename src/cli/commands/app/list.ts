// `osmo app list`: your apps by default, paged from the newest in chunks of 1000.
import { Command, Option } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { toPythonJson } from '../../output/json.js';
import { renderTable, tableTerminal } from '../../output/table.js';
import { displayTimeOrDash } from '../../output/time.js';
import {
  choiceOption,
  formatTypeOption,
  intOption,
  listOption,
  type FormatType,
} from '../../parse/options.js';
import type { AppListEntry } from '../../../api/contract/app-wire.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

const PAGE_LIMIT = 1000;

export interface AppListOptions {
  readonly name: string | undefined;
  readonly users: readonly string[] | undefined;
  readonly allUsers: boolean;
  readonly count: number;
  readonly order: 'asc' | 'desc';
  readonly format: FormatType;
}

type AppEntry = AppListEntry;

interface ListFlags {
  name?: string;
  user?: string[];
  allUsers?: boolean;
  count: number;
  order: 'asc' | 'desc';
  formatType: FormatType;
}

export function appListCommand(deps: CliDeps): Command {
  return new Command('list')
    .description('List apps: yours by default.')
    .option('-n, --name <name>', 'Name substring.')
    .addOption(listOption('-u, --user <user...>', 'Apps owned by these users.'))
    .addOption(new Option('-a, --all-users', 'Apps of every user.'))
    .addOption(intOption('-c, --count <n>', 'Number of apps to fetch (default 20).', 1).default(20))
    .addOption(
      choiceOption('-o, --order <order>', 'Display order (default asc).', ['asc', 'desc']).default('asc'),
    )
    .addOption(formatTypeOption())
    .action((flags: ListFlags) =>
      runAppList(
        {
          name: flags.name,
          users: flags.user,
          allUsers: flags.allUsers === true,
          count: flags.count,
          order: flags.order,
          format: flags.formatType,
        },
        deps,
      ),
    );
}

export async function runAppList(opts: AppListOptions, deps: CliDeps): Promise<void> {
  const client = await deps.client();
  let collected: AppEntry[] = [];
  let fetched = 0;
  while (fetched < opts.count) {
    const page = await client.get(WIRE.AppList, 'api/app', {
      order: opts.order.toUpperCase(),
      limit: Math.min(opts.count - fetched, PAGE_LIMIT),
      offset: fetched,
      users: opts.users,
      name: opts.name,
      all_users: opts.allUsers ? true : undefined,
    });
    fetched += page.apps.length;
    // Pages walk from the newest app backwards: older pages go in front when ascending, behind otherwise.
    collected = opts.order === 'asc' ? [...page.apps, ...collected] : [...collected, ...page.apps];
    if (!page.more_entries || page.apps.length === 0) break;
  }
  if (opts.format === 'json') {
    deps.io.out(`${toPythonJson({ apps: collected }, 2)}\n`);
    return;
  }
  if (collected.length === 0) {
    deps.io.out('There are no apps to view.\n');
    return;
  }
  const rows = collected.map((a) => [
    a.owner,
    a.name,
    a.description,
    displayTimeOrDash(a.created_date, deps.timeZone),
    a.latest_version,
  ]);
  deps.io.out(
    renderTable(['Owner', 'Name', 'Description', 'Created Date', 'Latest Version'], rows, {
      terminal: tableTerminal(deps.io),
      autoTyped: true,
    }),
  );
}
