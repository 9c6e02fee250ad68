// The `osmo pool` group.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { requireLeaf } from '../../parse/group.js';
import { poolListCommand } from './list.js';

export function poolCommand(deps: CliDeps): Command {
  return requireLeaf(new Command('pool').description('Pool information.')).addCommand(poolListCommand(deps));
}
