// `osmo workflow exec`: an interactive terminal in one running task, or a command in every running
// task of a group with its output lines prefixed by `[<task>] `, through the service's router.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { intOption } from '../../parse/options.js';

/** Upstream's default entry command. */
const DEFAULT_ENTRY = '/bin/bash';

export function workflowExecCommand(deps: CliDeps): Command {
  return new Command('exec')
    .description('Open an interactive terminal in a running task, or run a command in every task of a group.')
    .argument('<workflow_id>', 'The workflow ID or UUID.')
    .argument('[task]', 'The task to open a terminal in.')
    .option('--group <group>', 'Run a non-interactive command in every running task of this group.')
    .option('--entry <command>', 'The command to run.', DEFAULT_ENTRY)
    .addOption(intOption('--connect-timeout <seconds>', 'WebSocket open timeout in seconds.', 1).default(60))
    .option('--keep-alive', 'Reconnect automatically when the session drops (task mode only).')
    .action(
      async (
        workflowId: string,
        task: string | undefined,
        flags: { group?: string; entry: string; connectTimeout: number; keepAlive?: boolean },
      ) => {
        // The session's modules (WebSocket, protocol) load only when a session is asked for.
        const { runExec } = await import('./exec-session.js');
        const { processTerminal } = await import('./exec-terminal.js');
        await runExec(
          {
            workflowId,
            task,
            group: flags.group,
            entry: flags.entry,
            connectTimeoutS: flags.connectTimeout,
            keepAlive: flags.keepAlive === true,
          },
          deps,
          processTerminal(),
        );
      },
    );
}
