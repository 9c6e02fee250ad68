// The `osmo resource` group.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { requireLeaf } from '../../parse/group.js';
import { resourceInfoCommand } from './info.js';
import { resourceListCommand } from './list.js';

export function resourceCommand(deps: CliDeps): Command {
  return requireLeaf(new Command('resource').description('Resources (nodes) of pools.'))
    .addCommand(resourceListCommand(deps))
    .addCommand(resourceInfoCommand(deps));
}
