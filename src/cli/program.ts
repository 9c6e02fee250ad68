// Builds the command tree in upstream's order and runs it with argparse behaviour.
import { CommanderError, Command } from 'commander';
import type { CliDeps } from './cli-deps.js';
import { COMMAND_TABLE, type CommandFactory } from './command-table.js';
import { ArgparseError, EarlyExit, Interrupted } from './errors.js';
import { errorCodeFor, exitCodeFor, EXIT_OK } from './exit-code.js';
import { renderErrorBlock } from './output/error-block.js';
import { fitHelpToTerminal } from './output/help-layout.js';
import { normaliseArgv, usageLine } from './parse/argv.js';
import { argparseErrorFor, invalidCommandText } from './parse/commander-errors.js';
import { choiceOption } from './parse/options.js';

export const LOG_LEVELS = ['CRITICAL', 'FATAL', 'ERROR', 'WARNING', 'WARN', 'INFO', 'DEBUG'] as const;

/** The root command: global options, and the usage error or help when no command is named. */
export function rootCommand(deps: CliDeps): Command {
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
    .option('--wide', 'On a terminal, show tables whole instead of cut to its width.')
    .usage('[options] <command> ...')
    .argument('[command]')
    .allowExcessArguments(true)
    .action(async (name: string | undefined, flags: { version?: boolean }) => {
      if (name !== undefined)
        throw new ArgparseError(usageLine(program), 'osmo', invalidCommandText(program, name));
      if (flags.version === true) {
        const { runVersion } = await import('./commands/version.js');
        await runVersion({ format: 'text' }, deps);
      } else {
        deps.io.out(program.helpInformation());
      }
    });
  return program;
}

/** The root with the given top-level commands (in the table's order) and the extra ones after them. */
export function assembleProgram(
  deps: CliDeps,
  factories: readonly CommandFactory[],
  extraCommands: readonly Command[] = [],
): Command {
  const program = rootCommand(deps);
  for (const make of factories) program.addCommand(make(deps));
  for (const command of extraCommands) program.addCommand(command);
  return program;
}

/** The top-level command argv names, when it is one of the table's; root options and their values skipped. */
export function namedTopLevel(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const token = argv[i] ?? '';
    if (token === '--') return undefined;
    if (token.startsWith('-')) {
      // `--log-level` and its unambiguous prefixes take the next token as their value.
      if (token.length >= 3 && token.startsWith('--') && '--log-level'.startsWith(token)) i += 1;
      continue;
    }
    return COMMAND_TABLE.some((entry) => entry.name === token) ? token : undefined;
  }
  return undefined;
}

/** The whole command tree (tests, help of every command). */
export async function buildProgram(deps: CliDeps, extraCommands: readonly Command[] = []): Promise<Command> {
  const factories = await Promise.all(COMMAND_TABLE.map((entry) => entry.load()));
  return assembleProgram(deps, factories, extraCommands);
}

/**
 * The command tree for argv: only the named top-level command's modules are loaded; without one
 * (help, a usage error, an unknown name) every command is, so listings and errors read as always.
 */
export async function loadProgram(
  deps: CliDeps,
  argv: readonly string[],
  extraCommands: readonly Command[] = [],
): Promise<Command> {
  const named = namedTopLevel(argv);
  const entries = COMMAND_TABLE.filter((entry) => named === undefined || entry.name === named);
  const factories = await Promise.all(entries.map((entry) => entry.load()));
  return assembleProgram(deps, factories, extraCommands);
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
    // Help wraps to the terminal it is printed on; piped help keeps commander's 80 columns.
    getOutHelpWidth: () => deps.io.columns('out') ?? 80,
    getErrHelpWidth: () => deps.io.columns('err') ?? 80,
    outputError: () => {
      state.failedIn = cmd;
    },
  });
  fitHelpToTerminal(cmd);
  for (const sub of cmd.commands) configure(sub, deps, state);
}

function isJsonRequested(leaf: Command | null): boolean {
  return leaf !== null && leaf.opts()['formatType'] === 'json';
}

/** Parses argv, runs the command and returns the exit status; all errors end here. */
export async function runProgram(
  tree: Command | Promise<Command>,
  argv: readonly string[],
  deps: CliDeps,
): Promise<number> {
  const state: ParseState = { failedIn: null, leaf: null };
  let program: Command;
  try {
    program = await tree;
  } catch (err) {
    return report(err, state, deps);
  }
  configure(program, deps, state);
  program.hook('preAction', (_root, action) => {
    state.leaf = action;
    deps.io.layout.wide = program.opts()['wide'] === true;
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
