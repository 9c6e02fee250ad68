// `osmo dataset inspect` and `osmo dataset info`: a version's files, and a dataset's versions.
import { Command } from 'commander';
import { stringify } from 'yaml';
import type { CliDeps } from '../../cli-deps.js';
import { toPythonJson } from '../../output/json.js';
import { renderTable, tableTerminal, type TableTerminal } from '../../output/table.js';
import { displayTimeOrDash } from '../../output/time.js';
import { choiceOption, formatTypeOption, intOption, type FormatType } from '../../parse/options.js';
import { compileRegex } from '../data/data-target.js';
import { DASH_LINE, datasetPath, formatSize, resolveDatasetRef } from './dataset-ref.js';
import { fetchManifest } from './transfer.js';
import type { DatasetInfo } from '../../../api/contract/dataset-wire.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

/** `├──`/`└──` lines of the paths, directories first level by level. */
export function renderTree(paths: readonly string[]): string {
  interface Node {
    children: Map<string, Node>;
  }
  const root: Node = { children: new Map() };
  for (const p of paths) {
    let node = root;
    for (const part of p.split('/')) {
      let next = node.children.get(part);
      if (next === undefined) node.children.set(part, (next = { children: new Map() }));
      node = next;
    }
  }
  const lines: string[] = [];
  const walk = (node: Node, indent: string): void => {
    const names = [...node.children.keys()].sort();
    names.forEach((name, i) => {
      const last = i === names.length - 1;
      lines.push(`${indent}${last ? '└── ' : '├── '}${name}`);
      const child = node.children.get(name);
      if (child !== undefined) walk(child, `${indent}${last ? '    ' : '│   '}`);
    });
  };
  walk(root, '');
  return lines.map((l) => `${l}\n`).join('');
}

export function datasetInspectCommand(deps: CliDeps): Command {
  return new Command('inspect')
    .description('Show the files of a dataset version.')
    .argument('<name>', '[bucket/]name[:tag_or_version]')
    .addOption(
      choiceOption('-t, --format-type <format>', 'text, tree or json.', ['text', 'tree', 'json']).default(
        'text',
      ),
    )
    .option('-x, --regex <regex>', 'Only paths matching this regex.')
    .addOption(intOption('-c, --count <n>', 'At most this many entries (default 1000).', 1).default(1000))
    .action(
      async (
        name: string,
        flags: { formatType: 'text' | 'tree' | 'json'; regex?: string; count: number },
      ) => {
        const regex = compileRegex(flags.regex);
        const client = await deps.client();
        const ref = await resolveDatasetRef(client, name);
        const located = await client.get(WIRE.DatasetLocations, datasetPath(ref), {
          tag: ref.tag ?? 'latest',
        });
        const entries = (await fetchManifest(client, ref, located.dataset_versions[0] ?? ''))
          .filter((e) => regex === null || regex.test(e.relative_path))
          .slice(0, flags.count);
        if (flags.formatType === 'json') deps.io.out(`${toPythonJson(entries, 4)}\n`);
        else if (flags.formatType === 'tree') deps.io.out(renderTree(entries.map((e) => e.relative_path)));
        else deps.io.out(entries.map((e) => `${e.relative_path}\n`).join(''));
      },
    );
}

type InfoJson = DatasetInfo;

export function datasetInfoCommand(deps: CliDeps): Command {
  return new Command('info')
    .description('Show a dataset and its versions, or a collection and its members.')
    .argument('<name>', '[bucket/]name[:tag_or_version]')
    .option('-a, --all', 'Versions in any state.')
    .addOption(intOption('-c, --count <n>', 'Number of versions (default 100).', 1).default(100))
    .addOption(
      choiceOption('-o, --order <order>', 'asc or desc (default asc).', ['asc', 'desc']).default('asc'),
    )
    .addOption(formatTypeOption())
    .action(
      async (
        name: string,
        flags: { all?: boolean; count: number; order: string; formatType: FormatType },
      ) => {
        const client = await deps.client();
        const ref = await resolveDatasetRef(client, name);
        const info = await client.get(WIRE.DatasetInfo, datasetPath(ref, '/info'), {
          ...(ref.tag !== undefined ? { tag: ref.tag } : {}),
          all_flag: flags.all === true,
          count: flags.count,
          order: flags.order,
        });
        if (flags.formatType === 'json') return deps.io.out(`${toPythonJson(info, 4)}\n`);
        deps.io.out(renderInfo(info, deps.timeZone, tableTerminal(deps.io)));
      },
    );
}

function renderInfo(
  info: InfoJson,
  timeZone: string | undefined,
  terminal: TableTerminal | undefined,
): string {
  const time = (t: string | null | undefined): string => displayTimeOrDash(t ?? null, timeZone);
  const labels = Object.keys(info.labels).length > 0 ? `Labels:\n${stringify(info.labels)}\n` : '';
  if (info.type === 'COLLECTION') {
    const size = info.versions.reduce((s, v) => s + v.size, 0);
    return (
      `${DASH_LINE}\n\nName: ${info.name}\nID: ${info.id}\nBucket: ${info.bucket}\nType: ${info.type}\n` +
      `Created By: ${info.created_by}\nCreate Date: ${time(info.created_date)}\nSize: ${formatSize(size)}\n\n` +
      labels +
      renderTable(
        ['Dataset', 'Version'],
        info.versions.map((v) => [v.name, v.version]),
        { terminal },
      )
    );
  }
  let out =
    `${DASH_LINE}\n\nName: ${info.name}\nID: ${info.id}\nBucket: ${info.bucket}\nType: ${info.type}\n` +
    `Stored Size: ${formatSize(info.hash_location_size ?? 0)}\n\n${labels}`;
  out += `${renderTable(
    ['Version', 'Tags'],
    info.versions.map((v) => [v.version, (v.tags ?? []).join(', ')]),
    { terminal },
  )}\n`;
  const collected = info.versions.filter((v) => (v.collections ?? []).length > 0);
  if (collected.length > 0) {
    out += `${renderTable(
      ['Version', 'Collections'],
      collected.map((v) => [v.version, (v.collections ?? []).join(', ')]),
      { terminal },
    )}\n`;
  }
  out += renderTable(
    ['Version', 'Status', 'Created By', 'Created Date', 'Last Used', 'Size', 'Checksum'],
    info.versions.map((v) => [
      v.version,
      v.status,
      v.created_by,
      time(v.created_date),
      time(v.last_used),
      formatSize(v.size),
      v.checksum,
    ]),
    { terminal },
  );
  return out;
}
