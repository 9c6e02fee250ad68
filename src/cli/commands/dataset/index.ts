// The `osmo dataset` group: versioned datasets and collections in buckets.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { requireLeaf } from '../../parse/group.js';
import {
  datasetCheckCommand,
  datasetChecksumCommand,
  datasetLabelCommand,
  datasetMetadataCommand,
  datasetTagCommand,
} from './attributes.js';
import { datasetInfoCommand, datasetInspectCommand } from './inspect.js';
import {
  datasetCollectCommand,
  datasetDeleteCommand,
  datasetListCommand,
  datasetRecollectCommand,
  datasetRenameCommand,
} from './manage.js';
import { datasetDownloadCommand, datasetUpdateCommand } from './transfer.js';
import { datasetUploadCommand } from './upload.js';

export { bucketCommand } from './manage.js';

export function datasetCommand(deps: CliDeps): Command {
  return requireLeaf(new Command('dataset').description('Versioned datasets and collections.'))
    .addCommand(datasetInfoCommand(deps))
    .addCommand(datasetUploadCommand(deps))
    .addCommand(datasetDownloadCommand(deps))
    .addCommand(datasetDeleteCommand(deps))
    .addCommand(datasetUpdateCommand(deps))
    .addCommand(datasetRecollectCommand(deps))
    .addCommand(datasetListCommand(deps))
    .addCommand(datasetTagCommand(deps))
    .addCommand(datasetLabelCommand(deps))
    .addCommand(datasetMetadataCommand(deps))
    .addCommand(datasetRenameCommand(deps))
    .addCommand(datasetCollectCommand(deps))
    .addCommand(datasetInspectCommand(deps))
    .addCommand(datasetChecksumCommand(deps))
    .addCommand(datasetCheckCommand(deps));
}
