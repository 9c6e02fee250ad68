// `osmo config update`: the new content from --file, sent in the request shape of its type.
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { recursiveDiff } from '../../../api/contract/strategic-merge.js';
import { userError } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { listOption } from '../../parse/options.js';
import { OPERABLE_TYPES } from './history.js';
import { configReadRef } from '../../client/config-read.js';

/** `backends`/`pools` wrappers unwrapped, lists of named objects turned into maps. */
export function unwrap(data: unknown): unknown {
  let value = data;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'backends' || keys[0] === 'pools'))
      value = (value as Record<string, unknown>)[keys[0]];
  }
  if (Array.isArray(value) && value.every((v) => v !== null && typeof v === 'object' && 'name' in v)) {
    return Object.fromEntries(value.map((v: { name: string }) => [v.name, v]));
  }
  return value;
}

interface UpdateFlags {
  file?: string;
  description?: string;
  tags?: string[];
}

export function configUpdateCommand(deps: CliDeps): Command {
  return new Command('update')
    .description('Update a config from a JSON file.')
    .argument('<config_type>', 'Config type.')
    .argument('[name]', 'Named entry to update.')
    .option('-f, --file <file>', 'JSON file with the new content.')
    .option('-d, --description <text>', 'Description of the change.')
    .addOption(listOption('-t, --tags <tag...>', 'Tags of the new revision.'))
    .action(async (rawType: string, name: string | undefined, flags: UpdateFlags) => {
      const type = rawType.toUpperCase();
      if (!(OPERABLE_TYPES as readonly string[]).includes(type)) {
        throw userError(`Invalid config type "${rawType}". Available types: ${OPERABLE_TYPES.join(', ')}`);
      }
      // No editor here: the new content comes from --file (see docs/compatibility.md).
      if (flags.file === undefined)
        throw userError('--file is required: osmo config update reads the new content from a JSON file.');
      const client = await deps.client();
      const path = `api/configs/${type.toLowerCase()}`;
      const current = await client.get(configReadRef(type), path);
      let existing: unknown = current;
      if (name !== undefined) {
        const map = unwrap(current) as Record<string, unknown>;
        if (!(name in map)) throw userError(`Config name "${name}" not found in ${type}`);
        existing = map[name];
      }
      let next: unknown;
      try {
        next = JSON.parse(await readFile(flags.file, 'utf8')) as unknown;
      } catch (err) {
        throw userError(`Invalid JSON: ${(err as Error).message}`);
      }
      const description = flags.description ?? `Updated ${type}${name ? ` ${name}` : ''} configuration`;
      const envelope = { description, ...(flags.tags ? { tags: flags.tags } : {}) };
      const diff = recursiveDiff(existing, next);
      if (
        JSON.stringify(existing) === JSON.stringify(next) ||
        (diff !== null && typeof diff === 'object' && Object.keys(diff).length === 0)
      ) {
        deps.io.out('No changes were made to the config.\n');
        return;
      }
      let request: { method: 'PUT' | 'PATCH' | 'POST'; path: string; body: object };
      if (type === 'SERVICE' || type === 'WORKFLOW') {
        if (name !== undefined) throw userError(`Named config updates not supported for ${type}`);
        request = { method: 'PATCH', path, body: { configs_dict: diff, ...envelope } };
      } else if (type === 'BACKEND') {
        if (name === undefined) throw userError('Whole config updates not supported for BACKEND');
        request = { method: 'POST', path: `${path}/${name}`, body: { configs: diff, ...envelope } };
      } else if (type === 'POOL' || type === 'BACKEND_TEST') {
        request =
          name === undefined
            ? { method: 'PUT', path, body: { configs: unwrap(next), ...envelope } }
            : { method: 'PATCH', path: `${path}/${name}`, body: { configs_dict: diff, ...envelope } };
      } else if (type === 'RESOURCE_VALIDATION' && name === undefined) {
        request = { method: 'PUT', path, body: { configs_dict: next, ...envelope } };
      } else {
        request = {
          method: 'PUT',
          path: name ? `${path}/${name}` : path,
          body: { configs: next, ...envelope },
        };
      }
      try {
        await client.requestJson({ ...request, query: {} });
      } catch (err) {
        throw userError(`Error updating config: ${(err as Error).message}`);
      }
      deps.io.out(`Successfully updated ${type} config\n`);
    });
}
