// `osmo app info`: the app and its newest versions.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { toPythonJson } from '../../output/json.js';
import { renderTable, tableTerminal } from '../../output/table.js';
import { displayTimeOrDash } from '../../output/time.js';
import { choiceOption, formatTypeOption, intOption, type FormatType } from '../../parse/options.js';
import { appPath, parseAppRef } from './app-ref.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export interface AppInfoOptions {
  readonly nameAndVersion: string;
  readonly count: number;
  readonly order: 'asc' | 'desc';
  readonly format: FormatType;
}

export function appInfoCommand(deps: CliDeps): Command {
  return new Command('info')
    .description('Show an app and its versions.')
    .argument('<name>', 'NAME or NAME:VERSION.')
    .addOption(intOption('-c, --count <n>', 'Number of latest versions to list (default 20).', 1).default(20))
    .addOption(
      choiceOption('-o, --order <order>', 'asc: newest at the bottom (default asc).', [
        'asc',
        'desc',
      ]).default('asc'),
    )
    .addOption(formatTypeOption())
    .action(
      (nameAndVersion: string, flags: { count: number; order: 'asc' | 'desc'; formatType: FormatType }) =>
        runAppInfo(
          { nameAndVersion, count: flags.count, order: flags.order, format: flags.formatType },
          deps,
        ),
    );
}

export async function runAppInfo(opts: AppInfoOptions, deps: CliDeps): Promise<void> {
  const ref = parseAppRef(opts.nameAndVersion);
  const client = await deps.client();
  const info = await client.get(WIRE.AppInfo, appPath(ref.name), {
    order: opts.order.toUpperCase(),
    limit: opts.count,
    version: ref.version,
  });
  if (opts.format === 'json') {
    deps.io.out(`${toPythonJson(info, 2)}\n`);
    return;
  }
  const rows = info.versions.map((v) => [
    v.version,
    v.created_by,
    displayTimeOrDash(v.created_date, deps.timeZone),
    v.status,
  ]);
  deps.io.out(
    `${'-'.repeat(53)}\n\n` +
      `Name: ${ref.name}\nUUID: ${info.uuid}\nOwner: ${info.owner}\n` +
      `Create Date: ${displayTimeOrDash(info.created_date, deps.timeZone)}\n` +
      `Description: ${info.description}\n\n` +
      renderTable(['Version', 'Created By', 'Created Date', 'Status'], rows, {
        autoTyped: true,
        terminal: tableTerminal(deps.io),
      }),
  );
}
