// `osmo dataset tag|label|metadata|checksum|check`.
import { Command } from 'commander';
import { stringify } from 'yaml';
import { usageError } from '../../../core/index.js';
import { manifestChecksum, sha256File, walkFiles } from '../../../storage/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { toPythonJson } from '../../output/json.js';
import { renderTable, tableTerminal } from '../../output/table.js';
import { formatTypeOption, listOption, type FormatType } from '../../parse/options.js';
import {
  DASH_LINE,
  datasetPath,
  openBucketStorage,
  resolveDatasetRef,
  defaultBucket,
} from './dataset-ref.js';
import { readYamlFiles } from './upload.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

/** `key:type:value` with type string|numeric, or `key=value` (string); dotted keys nest; commas make a list. */
export function parseSetItems(items: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of items) {
    // `k=v` (the form agent skills write) means a string value; the typed form is tried first so
    // `k:numeric:1` never reads as a key `k:numeric:1`.
    const typed = /^([^:]+):(string|numeric):(.*)$/.exec(item);
    const plain = typed === null ? /^([^=:]+)=(.*)$/.exec(item) : null;
    const match = typed ?? (plain === null ? null : [item, plain[1], 'string', plain[2]]);
    if (match === null)
      throw usageError(
        `Invalid value ${item}: expected key:type:value (type string or numeric) or key=value`,
      );
    const [, key = '', type, raw = ''] = match;
    const convert = (v: string): unknown => {
      if (type === 'string') return v;
      const n = Number(v);
      if (!Number.isFinite(n)) throw usageError(`${v} is not numeric`);
      return n;
    };
    const value = raw.includes(',') ? raw.split(',').map(convert) : convert(raw);
    const parts = key.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      node = (node[part] = next !== null && typeof next === 'object' ? next : {}) as Record<string, unknown>;
    }
    node[parts[parts.length - 1] ?? key] = value;
  }
  return out;
}

export function datasetTagCommand(deps: CliDeps): Command {
  return new Command('tag')
    .description('Set or delete tags of a dataset version.')
    .argument('<name>', '[bucket/]name[:tag_or_version]')
    .addOption(listOption('-s, --set <tags...>', 'Tags to set.'))
    .addOption(listOption('-d, --delete <tags...>', 'Tags to delete.'))
    .action(async (name: string, flags: { set?: string[]; delete?: string[] }) => {
      const client = await deps.client();
      const ref = await resolveDatasetRef(client, name);
      const answer = await client.post(WIRE.DatasetAttributes, datasetPath(ref, '/attribute'), {
        ...(ref.tag !== undefined ? { tag: ref.tag } : {}),
        set_tag: flags.set ?? [],
        delete_tag: flags.delete ?? [],
      });
      const t = answer.tag_response;
      deps.io.out(
        `${DASH_LINE}\n\n${renderTable(['Version_id', 'Tags'], t === null ? [] : [[t.version_id, t.tags.join(', ')]], { terminal: tableTerminal(deps.io) })}`,
      );
    });
}

function attributeCommand(deps: CliDeps, kind: 'label' | 'metadata'): Command {
  return new Command(kind)
    .description(
      kind === 'label' ? 'Set or delete dataset labels.' : 'Set or delete version metadata (NAME:TAG).',
    )
    .argument('<name>', kind === 'label' ? '[bucket/]name' : '[bucket/]name:tag')
    .addOption(listOption('-f, --file <files...>', 'YAML files of values to set.'))
    .addOption(listOption('-s, --set <items...>', 'key:type:value (or key=value) items to set.'))
    .addOption(listOption('-d, --delete <keys...>', 'Keys to delete.'))
    .addOption(formatTypeOption())
    .action(
      async (
        name: string,
        flags: { file?: string[]; set?: string[]; delete?: string[]; formatType: FormatType },
      ) => {
        const client = await deps.client();
        const ref = await resolveDatasetRef(client, name, {
          tag: kind === 'label' ? 'forbidden' : 'required',
        });
        const values = { ...(await readYamlFiles(flags.file)), ...parseSetItems(flags.set ?? []) };
        const answer = await client.post(
          WIRE.DatasetAttributes,
          datasetPath(ref, '/attribute'),
          kind === 'label'
            ? { delete_label: flags.delete ?? [] }
            : { tag: ref.tag ?? '', delete_metadata: flags.delete ?? [] },
          kind === 'label' ? { set_label: values } : { set_metadata: values },
        );
        const shown = answer[kind === 'label' ? 'label_response' : 'metadata_response']?.metadata ?? {};
        if (flags.formatType === 'json') return deps.io.out(`${toPythonJson(shown, 0)}\n`);
        if (Object.keys(shown).length === 0)
          return deps.io.out(kind === 'label' ? 'No Labels\n' : 'No Metadata\n');
        deps.io.out(stringify(shown));
      },
    );
}

export const datasetLabelCommand = (deps: CliDeps): Command => attributeCommand(deps, 'label');
export const datasetMetadataCommand = (deps: CliDeps): Command => attributeCommand(deps, 'metadata');

export function datasetChecksumCommand(deps: CliDeps): Command {
  return new Command('checksum')
    .description('The checksum a dataset upload of these paths would record.')
    .argument('<path...>', 'Files or directories.')
    .action(async (paths: string[]) => {
      const entries = [];
      for (const path of paths) {
        for (const f of await walkFiles(path, deps.signal)) {
          const local = f.relative === '' ? path : `${path}/${f.relative}`;
          entries.push({
            relative_path: f.relative === '' ? (path.split('/').pop() ?? path) : f.relative,
            etag: await sha256File(local),
          });
        }
      }
      deps.io.out(`${manifestChecksum(entries)}\n`);
    });
}

export function datasetCheckCommand(deps: CliDeps): Command {
  return new Command('check')
    .description('Check that this machine can reach the storage of a dataset bucket.')
    .argument('<name>', '[bucket/]name')
    .option('-a, --access-type <type>', 'READ or WRITE (accepted for compatibility).')
    .action(async (name: string) => {
      const client = await deps.client();
      const bucket = name.includes('/') ? (name.split('/')[0] ?? '') : await defaultBucket(client);
      try {
        const target = await openBucketStorage(client, bucket, deps);
        await target.storage.list(`${target.prefix}/`);
        deps.io.out('{"status": "pass"}\n');
      } catch (err) {
        deps.io.out(
          `${toPythonJson({ status: 'fail', error: err instanceof Error ? err.message : String(err) }, 0)}\n`,
        );
      }
    });
}
