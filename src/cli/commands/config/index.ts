// The `osmo config` group, admin-only on the service side.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { requireLeaf } from '../../parse/group.js';
import { configHistoryCommand, configListCommand } from './history.js';
import { configRevisionCommands } from './revisions.js';
import { configSetCommand } from './set.js';
import { configUpdateCommand } from './update.js';

export function configCommand(deps: CliDeps): Command {
  const group = requireLeaf(new Command('config').description('Service configuration (admin).'));
  const [show, del, rollback, tag, diff] = configRevisionCommands(deps);
  for (const c of [
    configListCommand(deps),
    show,
    configUpdateCommand(deps),
    del,
    configHistoryCommand(deps),
    rollback,
    configSetCommand(deps),
    tag,
    diff,
  ]) {
    if (c) group.addCommand(c);
  }
  return group;
}
