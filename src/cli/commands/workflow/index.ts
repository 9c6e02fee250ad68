// The `osmo workflow` group, leaves in upstream's order.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { requireLeaf } from '../../parse/group.js';
import { workflowCancelCommand } from './cancel.js';
import { workflowEventsCommand } from './events.js';
import { workflowExecCommand } from './exec.js';
import { workflowListCommand } from './list.js';
import { workflowLogsCommand } from './logs.js';
import { workflowPortForwardCommand } from './port-forward.js';
import { workflowRsyncCommand } from './rsync.js';
import { workflowQueryCommand } from './query.js';
import { workflowRestartCommand } from './restart.js';
import { workflowSpecCommand } from './spec.js';
import { workflowSubmitCommand } from './submit.js';
import { workflowTagCommand } from './tag.js';
import { workflowValidateCommand } from './validate.js';

export function workflowCommand(deps: CliDeps): Command {
  const group = requireLeaf(new Command('workflow').description('Submit, watch and manage workflows.'));
  for (const make of [
    workflowSubmitCommand,
    workflowValidateCommand,
    workflowRestartCommand,
    workflowListCommand,
    workflowQueryCommand,
    workflowLogsCommand,
    workflowEventsCommand,
    workflowSpecCommand,
    workflowCancelCommand,
    workflowTagCommand,
    workflowExecCommand,
    workflowPortForwardCommand,
    workflowRsyncCommand,
  ]) {
    group.addCommand(make(deps));
  }
  return group;
}
