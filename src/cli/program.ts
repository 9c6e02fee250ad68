// Builds the command tree in upstream's order (cli.md §0) and runs it with argparse behaviour.
import { CommanderError, Command } from 'commander';
import type { CliDeps } from './cli-deps.js';
import { backendCommand } from './commands/backend/index.js';
import { configCommand } from './commands/config/index.js';
import { logoutCommand } from './commands/logout.js';
import { poolCommand } from './commands/pool/index.js';
import { profileCommand } from './commands/profile/index.js';
import { resourceCommand } from './commands/resource/index.js';
import { loginCommand } from './commands/login.js';
import { appCommand } from './commands/app/index.js';
import { dataCommand } from './commands/data/index.js';
import { bucketCommand, datasetCommand } from './commands/dataset/index.js';
import { dockerComposeCommand, standaloneCommand } from './commands/local/index.js';
import { taskCommand } from './commands/task/index.js';
import { credentialCommand } from './commands/credential/index.js';
import { tokenCommand } from './commands/token/index.js';
import { userCommand } from './commands/user/index.js';
import { runVersion, versionCommand } from './commands/version.js';
import { workflowCommand } from './commands/workflow/index.js';
import { ArgparseError, EarlyExit, Interrupted } from './errors.js';
import { errorCodeFor, exitCodeFor, EXIT_OK } from './exit-code.js';
import { renderErrorBlock } from './output/error-block.js';
import { normaliseArgv, usageLine } from './parse/argv.js';
import { argparseErrorFor, invalidCommandText } from './parse/commander-errors.js';
import { choiceOption } from './parse/options.js';

export const LOG_LEVELS = ['CRITICAL', 'FATAL', 'ERROR', 'WARNING', 'WARN', 'INFO', 'DEBUG'] as const;

export function buildProgram(deps: CliDeps, extraCommands: readonly Command[] = []): Command {
  const program = new Command('osmo')
    .description('OSMO workflow orchestration CLI')
    .addOption(
      choiceOption(
        '--log-level <level>',
        'Console log level.',
        [...LOG_LEVELS, ...['10', '20', '30', '40', '50']],
        {
          caseInsensitive: true,
        },
      ).default('INFO'),
    )
    .option('--version', 'Show the client and service versions.')
    .usage('[options] <command> ...')
    .argument('[command]')
    .allowExcessArguments(true)
    .action(async (name: string | undefined, flags: { version?: boolean }) => {
      if (name !== undefined)
        throw new ArgparseError(usageLine(program), 'osmo', invalidCommandText(program, name));
      if (flags.version === true) await runVersion({ format: 'text' }, deps);
      else deps.io.out(program.helpInformation());
    });
  program.addCommand(loginCommand(deps));
  program.addCommand(logoutCommand(deps));
  program.addCommand(versionCommand(deps));
  program.addCommand(workflowCommand(deps));
  program.addCommand(taskCommand(deps));
  program.addCommand(appCommand(deps));
  program.addCommand(dataCommand(deps));
  program.addCommand(datasetCommand(deps));
  program.addCommand(bucketCommand(deps));
  program.addCommand(standaloneCommand(deps));
  program.addCommand(dockerComposeCommand(deps));
  program.addCommand(credentialCommand(deps));
  program.addCommand(tokenCommand(deps));
  program.addCommand(resourceCommand(deps));
  program.addCommand(userCommand(deps));
  program.addCommand(poolCommand(deps));
  program.addCommand(profileCommand(deps));
  program.addCommand(configCommand(deps));
  program.addCommand(backendCommand(deps));
  for (const command of extraCommands) program.addCommand(command);
  return program;
}

interface ParseState {
  failedIn: Command | null;
  leaf: Command | null;
}

function configure(cmd: Command, deps: CliDeps, state: ParseState): void {
  cmd.exitOverride();
  cmd.configureOutput({
    writeOut: (text) => deps.io.out(text),
    writeErr: (text) => deps.io.err(text),
    outputError: () => {
      state.failedIn = cmd;
    },
  });
  for (const sub of cmd.commands) configure(sub, deps, state);
}

function isJsonRequested(leaf: Command | null): boolean {
  return leaf !== null && leaf.opts()['formatType'] === 'json';
}

/** Parses argv, runs the command and returns the exit status; all errors end here (cli.md §1.8). */
export async function runProgram(program: Command, argv: readonly string[], deps: CliDeps): Promise<number> {
  const state: ParseState = { failedIn: null, leaf: null };
  configure(program, deps, state);
  program.hook('preAction', (_root, action) => {
    state.leaf = action;
  });
  try {
    await program.parseAsync(normaliseArgv(program, argv), { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    return report(err, state, deps);
  }
}

function report(err: unknown, state: ParseState, deps: CliDeps): number {
  let failure = err;
  if (err instanceof CommanderError) {
    if (
      err.code === 'commander.helpDisplayed' ||
      err.code === 'commander.help' ||
      err.code === 'commander.version'
    ) {
      return EXIT_OK;
    }
    failure = argparseErrorFor(state.failedIn ?? state.leaf ?? new Command('osmo'), err.code, err.message);
  }
  if (failure instanceof ArgparseError) {
    deps.io.err(`${failure.usage}\n${failure.prog}: error: ${failure.message}\n`);
  } else if (!(failure instanceof EarlyExit) && !(failure instanceof Interrupted)) {
    const message = failure instanceof Error ? failure.message : String(failure);
    deps.io.out(renderErrorBlock(message, errorCodeFor(failure), isJsonRequested(state.leaf)));
  }
  return exitCodeFor(failure);
}
