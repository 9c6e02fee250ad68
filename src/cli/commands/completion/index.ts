// `osmo completion bash|zsh|fish`: a shell completion script written from the whole command tree.
import { Argument, Command, InvalidArgumentError } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { bashScript } from './bash-script.js';
import { commandSpecOf } from './command-spec.js';
import { fishScript } from './fish-script.js';
import { zshScript } from './zsh-script.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const RENDERERS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;

export function completionCommand(deps: CliDeps): Command {
  const command = new Command('completion')
    .description('Print a shell completion script: source <(osmo completion bash), or zsh, or fish.')
    .addArgument(new Argument('<shell>', `The shell: ${SHELLS.join(', ')}.`).argParser(parseShell))
    .action(async (shell: Shell) => {
      deps.io.out(RENDERERS[shell](commandSpecOf(await fullTree(command, deps))));
    });
  return command;
}

function parseShell(value: string): Shell {
  const shell = SHELLS.find((s) => s === value);
  if (shell !== undefined) return shell;
  const choices = SHELLS.map((s) => `'${s}'`).join(', ');
  throw new InvalidArgumentError(`argument shell: invalid choice: '${value}' (choose from ${choices})`);
}

/**
 * The whole tree: the command line loaded only this command, so every other is loaded now, with the
 * commands other composition roots added (`osmo service`) taken from the running root.
 */
async function fullTree(self: Command, deps: CliDeps): Promise<Command> {
  const { buildProgram } = await import('../../program.js');
  const { COMMAND_TABLE } = await import('../../command-table.js');
  const root = self.parent ?? self;
  const extra = root.commands.filter((c) => !COMMAND_TABLE.some((entry) => entry.name === c.name()));
  return buildProgram(deps, extra);
}
