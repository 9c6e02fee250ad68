// The flags `workflow submit` and `app submit` share, declared once.
import type { Command } from 'commander';
import { PRIORITIES } from '../../../core/index.js';
import { appendOption, choiceOption, extendOption, formatTypeOption } from '../../parse/options.js';

export function addSubmitFlags(command: Command, extra: (command: Command) => Command = (c) => c): Command {
  command
    .addOption(formatTypeOption())
    .addOption(extendOption('--set <kv...>', 'Template variables KEY=VALUE (numbers are cast).'))
    .addOption(extendOption('--set-string <kv...>', 'Template variables KEY=VALUE kept as strings.'))
    .addOption(extendOption('--set-env <kv...>', 'Environment variables KEY=VALUE for every task.'))
    .option('--dry-run', 'Render the spec on the service and print it; submit nothing.')
    .option('-p, --pool <pool>', 'Target pool (default: the profile default pool).');
  return extra(command)
    .addOption(
      choiceOption('--priority <priority>', 'Scheduling priority.', PRIORITIES, { caseInsensitive: true }),
    )
    .addOption(appendOption('--label <kv>', 'Workflow label KEY=VALUE (repeatable).'));
}
