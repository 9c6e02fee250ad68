// Group commands (`osmo workflow`, `osmo task`): a missing or unknown leaf is a usage error.
import type { Command } from 'commander';
import { ArgparseError } from '../errors.js';
import { commandPath, usageLine } from './argv.js';
import { invalidCommandText } from './commander-errors.js';

export function requireLeaf(group: Command): Command {
  return group
    .usage('[options] <command> ...')
    .argument('[command]')
    .allowExcessArguments(true)
    .action((name: string | undefined) => {
      const text =
        name === undefined
          ? 'the following arguments are required: command'
          : invalidCommandText(group, name);
      throw new ArgparseError(usageLine(group), commandPath(group), text);
    });
}
