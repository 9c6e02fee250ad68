// The `osmo data` group: direct object-storage access, no service calls.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { requireLeaf } from '../../parse/group.js';
import { dataCheckCommand } from './check.js';
import { dataDeleteCommand } from './delete.js';
import { dataDownloadCommand } from './download.js';
import { dataListCommand } from './list.js';
import { dataUploadCommand } from './upload.js';

export function dataCommand(deps: CliDeps): Command {
  return requireLeaf(
    new Command('data').description('Upload, download, list, delete and check object storage data.'),
  )
    .addCommand(dataUploadCommand(deps))
    .addCommand(dataDownloadCommand(deps))
    .addCommand(dataListCommand(deps))
    .addCommand(dataDeleteCommand(deps))
    .addCommand(dataCheckCommand(deps));
}
