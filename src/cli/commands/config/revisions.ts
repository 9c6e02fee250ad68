// `osmo config show|delete|rollback|tag|diff`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { userError } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { listOption } from '../../parse/options.js';
import { OPERABLE_TYPES } from './history.js';
import { unwrap } from './update.js';
import { configReadRef } from '../../client/config-read.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

function parseRef(text: string): { type: string; revision: number | null } {
  const [rawType = '', rev] = text.split(':');
  const type = rawType.toUpperCase();
  if (rev !== undefined && !/^[1-9]\d*$/.test(rev)) {
    throw userError(
      `Invalid revision "${text}": expected <CONFIG_TYPE>:<revision> where <CONFIG_TYPE> is one of ${OPERABLE_TYPES.join(', ')}`,
    );
  }
  if (!(OPERABLE_TYPES as readonly string[]).includes(type)) {
    throw userError(`Invalid config type "${rawType}". Available types: ${OPERABLE_TYPES.join(', ')}`);
  }
  return { type, revision: rev === undefined ? null : Number(rev) };
}

const json2 = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

async function latestRevision(deps: CliDeps, type: string, missing: string): Promise<number> {
  const client = await deps.client();
  const r = await client.get(WIRE.ConfigHistory, 'api/configs/history', {
    config_types: [type],
    order: 'DESC',
    limit: 1,
  });
  const first = r.configs[0];
  if (!first) throw userError(missing);
  return first.revision;
}

async function revisionData(deps: CliDeps, type: string, revision: number): Promise<unknown> {
  const client = await deps.client();
  const r = await client.get(WIRE.ConfigHistory, 'api/configs/history', {
    config_types: [type],
    omit_data: false,
    revision,
  });
  if (!r.configs[0]) throw userError('No config found matching the specified criteria');
  return r.configs[0].data;
}

export function configRevisionCommands(deps: CliDeps): Command[] {
  const show = new Command('show')
    .description('Show a config or one of its revisions as JSON.')
    .argument('<config_type>', 'CONFIG_TYPE[:REVISION]')
    .argument('[names...]', 'Path to drill into.')
    .action(async (ref: string, names: string[]) => {
      const { type, revision } = parseRef(ref);
      const client = await deps.client();
      let data =
        revision === null
          ? await client.get(configReadRef(type), `api/configs/${type.toLowerCase()}`)
          : await revisionData(deps, type, revision);
      for (const step of names) {
        const here = unwrap(data);
        if (Array.isArray(here)) {
          if (!/^\d+$/.test(step)) throw userError(`Expected integer index for list, got "${step}"`);
          if (Number(step) >= here.length)
            throw userError(`Index ${step} out of range for list of length ${here.length}`);
          data = here[Number(step)];
        } else if (here !== null && typeof here === 'object' && step in here) {
          data = (here as Record<string, unknown>)[step];
        } else {
          throw userError(`Cannot index into ${Array.isArray(here) ? 'list' : typeof here} with "${step}"`);
        }
      }
      deps.io.out(json2(data));
    });
  const del = new Command('delete')
    .description('Delete a named config entry or a revision.')
    .argument('<config_type>', 'CONFIG_TYPE or CONFIG_TYPE:REVISION')
    .argument('[name]', 'Entry name.')
    .option('-d, --description <text>', 'Description of the change.')
    .addOption(listOption('-t, --tags <tag...>', 'Tags.'))
    .action(
      async (ref: string, name: string | undefined, flags: { description?: string; tags?: string[] }) => {
        const { type, revision } = parseRef(ref);
        const client = await deps.client();
        if (revision !== null) {
          await client.request(WIRE.Done, {
            method: 'DELETE',
            path: `api/configs/history/${type.toLowerCase()}/revision/${revision}`,
          });
          deps.io.out(`Successfully deleted revision ${revision} of ${type} config\n`);
          return;
        }
        if (name === undefined) throw userError('Name is required when deleting a config');
        const body = {
          description: flags.description ?? `Deleted ${type} ${name}`,
          ...(flags.tags ? { tags: flags.tags } : {}),
        };
        await client.request(WIRE.Done, {
          method: 'DELETE',
          path: `api/configs/${type.toLowerCase()}/${name}`,
          body,
        });
        deps.io.out(`Successfully deleted ${type} config "${name}"\n`);
      },
    );
  const rollback = new Command('rollback')
    .description('Make an earlier revision current again.')
    .argument('<revision>', 'CONFIG_TYPE:REVISION')
    .option('--description <text>', 'Description of the change.')
    .addOption(listOption('--tags <tag...>', 'Tags.'))
    .action(async (ref: string, flags: { description?: string; tags?: string[] }) => {
      const { type, revision } = parseRef(ref);
      if (revision === null) throw userError(`Invalid revision "${ref}": expected <CONFIG_TYPE>:<revision>`);
      const client = await deps.client();
      const body = {
        config_type: type,
        revision,
        ...(flags.description ? { description: flags.description } : {}),
        ...(flags.tags ? { tags: flags.tags } : {}),
      };
      const r = await client.post(WIRE.Done, 'api/configs/history/rollback', {}, body);
      deps.io.out(`Successfully rolled back ${type} to revision ${revision}.\n`);
      if (r !== null && r !== undefined) deps.io.out(json2(r));
    });
  const tag = new Command('tag')
    .description('Set or delete tags of a revision.')
    .argument('<config_type>', 'CONFIG_TYPE[:REVISION]')
    .addOption(listOption('-s, --set <tag...>', 'Tags to set.'))
    .addOption(listOption('-d, --delete <tag...>', 'Tags to delete.'))
    .action(async (ref: string, flags: { set?: string[]; delete?: string[] }) => {
      const { type, revision } = parseRef(ref);
      const rev =
        revision ?? (await latestRevision(deps, type, 'No config found matching the specified criteria'));
      const client = await deps.client();
      await client.post(
        WIRE.Done,
        `api/configs/history/${type.toLowerCase()}/revision/${rev}/tags`,
        {},
        {
          ...(flags.set ? { set_tags: flags.set } : {}),
          ...(flags.delete ? { delete_tags: flags.delete } : {}),
        },
      );
      deps.io.out(`Successfully updated tags for ${ref}\n`);
    });
  const diff = new Command('diff')
    .description('Show the differences between two revisions.')
    .argument('<first>', 'CONFIG_TYPE[:REVISION]')
    .argument('[second]', 'CONFIG_TYPE[:REVISION], default the current one')
    .action(async (firstRef: string, secondRef: string | undefined) => {
      const first = parseRef(firstRef);
      const second = parseRef(secondRef ?? first.type);
      if (first.type !== second.type)
        throw userError(
          `Config type mismatch: ${first.type} != ${second.type}. Must diff the same config type.`,
        );
      const missing = `No config history entries found for type ${first.type}`;
      const a = first.revision ?? (await latestRevision(deps, first.type, missing));
      const b = second.revision ?? (await latestRevision(deps, second.type, missing));
      const client = await deps.client();
      const r = await client.get(WIRE.ConfigDiff, 'api/configs/diff', {
        config_type: first.type,
        first_revision: a,
        second_revision: b,
      });
      const dir = mkdtempSync(join(tmpdir(), `${first.type}-r${a}_`));
      const fa = join(dir, `${first.type}-r${a}.json`);
      const fb = join(dir, `${first.type}-r${b}.json`);
      writeFileSync(fa, json2(r.first_data));
      writeFileSync(fb, json2(r.second_data));
      const out = spawnSync('diff', ['-u', fa, fb], { encoding: 'utf8' });
      if (out.error) throw userError(`Error rendering diff: ${out.error.message}`);
      deps.io.out(out.status === 0 ? 'No differences were found between the two revisions\n' : out.stdout);
    });
  return [show, del, rollback, tag, diff];
}
