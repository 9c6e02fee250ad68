// `osmo dataset list|delete|rename|collect|recollect` and `osmo bucket list`.
import { Command } from 'commander';
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
import { confirmLoop } from '../app/confirm.js';
import { datasetPath, formatSize, resolveDatasetRef } from './dataset-ref.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export function datasetListCommand(deps: CliDeps): Command {
  return new Command('list')
    .description('List datasets: yours by default.')
    .option('-n, --name <name>', 'Name substring.')
    .addOption(listOption('-u, --user <user...>', 'Datasets of these users.'))
    .addOption(listOption('-b, --bucket <bucket...>', 'Only these buckets.'))
    .option('-a, --all-users', 'Datasets of every user.')
    .addOption(intOption('-c, --count <n>', 'Number of datasets (default 20, max 1000).', 1).default(20))
    .addOption(
      choiceOption('-o, --order <order>', 'asc or desc (default asc).', ['asc', 'desc']).default('asc'),
    )
    .addOption(formatTypeOption())
    .action(
      async (flags: {
        name?: string;
        user?: string[];
        bucket?: string[];
        allUsers?: boolean;
        count: number;
        order: string;
        formatType: FormatType;
      }) => {
        const client = await deps.client();
        const answer = await client.get(WIRE.DatasetList, 'api/bucket/list_dataset', {
          all_users: flags.allUsers === true,
          count: flags.count,
          order: flags.order,
          ...(flags.name !== undefined ? { name: flags.name } : {}),
          ...(flags.user !== undefined ? { user: flags.user } : {}),
          ...(flags.bucket !== undefined ? { buckets: flags.bucket } : {}),
        });
        if (flags.formatType === 'json') return deps.io.out(`${toPythonJson(answer, 4)}\n`);
        if (answer.datasets.length === 0) return deps.io.out('No Datasets fit your query.\n');
        const time = (t: string | null): string => (t === null ? 'N/A' : displayTimeOrDash(t, deps.timeZone));
        deps.io.out(
          renderTable(
            [
              'Bucket',
              'Name',
              'ID',
              'Created Date',
              'Last Version Created',
              'Last Version',
              'Storage Size',
              'Type',
            ],
            answer.datasets.map((d) => [
              d.bucket,
              d.name,
              d.id,
              time(d.create_time),
              time(d.last_created),
              d.version_id ?? 'N/A',
              d.type === 'COLLECTION' ? 'N/A' : formatSize(d.hash_location_size ?? 0),
              d.type,
            ]),
            { terminal: tableTerminal(deps.io) },
          ),
        );
      },
    );
}

export function datasetDeleteCommand(deps: CliDeps): Command {
  return new Command('delete')
    .description('Delete a dataset version, every version (--all), or a collection.')
    .argument('<name>', '[bucket/]name[:tag_or_version]')
    .option('-a, --all', 'Delete every version.')
    .option('-f, --force', 'Skip the confirmation.')
    .addOption(formatTypeOption())
    .action(async (name: string, flags: { all?: boolean; force?: boolean; formatType: FormatType }) => {
      const client = await deps.client();
      const ref = await resolveDatasetRef(client, name);
      const info = await client.get(WIRE.DatasetInfo, datasetPath(ref, '/info'), { count: 1 });
      const collection = info.type === 'COLLECTION';
      const what = collection
        ? `collection ${ref.name}`
        : flags.all === true
          ? `all versions of dataset ${ref.name}`
          : `dataset ${ref.name} version ${ref.tag ?? 'latest'}`;
      if (
        flags.force !== true &&
        !(await confirmLoop(`Are you sure you want to delete ${what} from bucket ${ref.bucket}?`, deps))
      ) {
        return;
      }
      const answer = await client.request(WIRE.DatasetDeleted, {
        method: 'DELETE',
        path: datasetPath(ref),
        query: {
          name: ref.name,
          ...(ref.tag !== undefined ? { tag: ref.tag } : {}),
          all_flag: flags.all === true,
        },
      });
      const removed = answer.delete_locations.length > 0;
      if (flags.formatType === 'json') {
        return deps.io.out(
          `${toPythonJson({ name: ref.name, versions: answer.versions, ...(removed ? { cleaned_size: answer.cleaned_size } : {}) }, 4)}\n`,
        );
      }
      if (collection)
        return deps.io.out(`Collection ${ref.name} from bucket ${ref.bucket} has been deleted\n`);
      for (const v of answer.versions) {
        deps.io.out(
          `Dataset ${ref.name} version ${v} bucket ${ref.bucket} has been marked as PENDING_DELETE.\n`,
        );
      }
      if (removed) {
        deps.io.out(
          `Dataset ${ref.name} in bucket ${ref.bucket} has been deleted.\nCleaned up ${formatSize(answer.cleaned_size)}.\n`,
        );
      }
    });
}

export function datasetRenameCommand(deps: CliDeps): Command {
  return new Command('rename')
    .description('Rename a dataset or collection.')
    .argument('<old>', '[bucket/]name')
    .argument('<new>', 'new name')
    .action(async (oldName: string, newName: string) => {
      const client = await deps.client();
      const ref = await resolveDatasetRef(client, oldName, { tag: 'forbidden' });
      const target = await resolveDatasetRef(client, newName, { tag: 'forbidden' });
      await client.post(WIRE.DatasetAttributes, datasetPath(ref, '/attribute'), { new_name: target.name });
      deps.io.out(`${ref.name} has been renamed to ${target.name} in bucket ${ref.bucket}\n`);
    });
}

const memberOf = async (deps: CliDeps, text: string) => {
  const ref = await resolveDatasetRef(await deps.client(), text);
  return { name: ref.name, tag: ref.tag ?? 'latest', bucket: ref.bucket };
};

export function datasetCollectCommand(deps: CliDeps): Command {
  return new Command('collect')
    .description('Create a collection of dataset versions.')
    .argument('<collection>', '[bucket/]name')
    .argument('<datasets...>', '[bucket/]name[:tag] of each member')
    .action(async (name: string, datasets: string[]) => {
      const client = await deps.client();
      const ref = await resolveDatasetRef(client, name, { tag: 'forbidden' });
      const members = [];
      for (const d of datasets) members.push(await memberOf(deps, d));
      await client.post(WIRE.Done, datasetPath(ref, '/collect'), {}, { datasets: members });
      deps.io.out(`Collection ${ref.name} in bucket ${ref.bucket} has been created.\n`);
    });
}

export function datasetRecollectCommand(deps: CliDeps): Command {
  return new Command('recollect')
    .description('Add datasets to a collection or remove them (removal first).')
    .argument('<collection>', '[bucket/]name')
    .addOption(listOption('-a, --add <datasets...>', 'Members to add.'))
    .addOption(listOption('-r, --remove <datasets...>', 'Members to remove.'))
    .action(async (name: string, flags: { add?: string[]; remove?: string[] }) => {
      const client = await deps.client();
      const ref = await resolveDatasetRef(client, name, { tag: 'forbidden' });
      const add = [];
      for (const d of flags.add ?? []) add.push(await memberOf(deps, d));
      const remove = [];
      for (const d of flags.remove ?? []) remove.push(await memberOf(deps, d));
      const answer = await client.post(
        WIRE.CollectionMembers,
        datasetPath(ref, '/recollect'),
        {},
        { add_datasets: add, remove_datasets: remove },
      );
      if (answer.versions.length === 0) return deps.io.out(`Collection ${ref.name} deleted\n`);
      deps.io.out(
        renderTable(
          ['Dataset', 'Version'],
          answer.versions.map((v) => [v.dataset_name, v.version]),
          { terminal: tableTerminal(deps.io) },
        ),
      );
    });
}

export function bucketCommand(deps: CliDeps): Command {
  const list = new Command('list')
    .description('List dataset buckets.')
    .addOption(formatTypeOption())
    .action(async (flags: { formatType: FormatType }) => {
      const answer = await (await deps.client()).get(WIRE.BucketList, 'api/bucket');
      if (flags.formatType === 'json') return deps.io.out(`${toPythonJson(answer, 4)}\n`);
      const rows = Object.entries(answer.buckets)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([n, b]) => [
          n === answer.default ? `${n} (default)` : n,
          b.description,
          b.path,
          b.mode,
          b.default_cred ? 'Yes' : 'No',
        ]);
      deps.io.out(
        `${renderTable(['Bucket', 'Description', 'Location', 'Mode', 'Default Cred'], rows, { terminal: tableTerminal(deps.io) })}\n`,
      );
    });
  return new Command('bucket').description('Dataset buckets.').addCommand(list);
}
