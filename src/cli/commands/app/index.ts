// The `osmo app` group, leaves in upstream's order.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { requireLeaf } from '../../parse/group.js';
import { appCreateCommand } from './create.js';
import { appDeleteCommand } from './delete.js';
import { appInfoCommand } from './info.js';
import { appListCommand } from './list.js';
import { appRenameCommand } from './rename.js';
import { appShowCommand } from './show.js';
import { appSpecCommand } from './spec.js';
import { appSubmitCommand } from './submit.js';
import { appUpdateCommand } from './update.js';

export function appCommand(deps: CliDeps): Command {
  const group = requireLeaf(
    new Command('app').description('Create, share and submit versioned workflow apps.'),
  );
  for (const make of [
    appCreateCommand,
    appUpdateCommand,
    appInfoCommand,
    appShowCommand,
    appSpecCommand,
    appListCommand,
    appDeleteCommand,
    appRenameCommand,
    appSubmitCommand,
  ]) {
    group.addCommand(make(deps));
  }
  return group;
}
