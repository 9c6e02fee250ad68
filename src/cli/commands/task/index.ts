// The `osmo task` group.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { requireLeaf } from '../../parse/group.js';
import { taskListCommand } from './list.js';

export function taskCommand(deps: CliDeps): Command {
  return requireLeaf(new Command('task').description('List tasks.')).addCommand(taskListCommand(deps));
}
