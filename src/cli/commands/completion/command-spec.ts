// The command tree as plain data for completion scripts: each command's path, subcommands and flags.
import type { Command, Option } from 'commander';
import { choicesOf } from '../../parse/options.js';

export interface FlagSpec {
  /** `--format-type`, or undefined for a short-only flag. */
  readonly long: string | undefined;
  /** `-t`; argparse-style multi-letter shorts (`-pl`) too. */
  readonly short: string | undefined;
  readonly description: string;
  readonly takesValue: boolean;
  /** The closed list of values, when there is one. */
  readonly choices: readonly string[] | undefined;
}

export interface CommandSpec {
  /** `osmo workflow list` */
  readonly path: string;
  readonly description: string;
  readonly subcommands: readonly CommandSpec[];
  readonly flags: readonly FlagSpec[];
}

const HELP_FLAG: FlagSpec = {
  long: '--help',
  short: '-h',
  description: 'Show help.',
  takesValue: false,
  choices: undefined,
};

function flagOf(option: Option): FlagSpec {
  return {
    long: option.long,
    // argparse's multi-letter short `-pl` is declared to commander as `--pl`: offer it as users type it.
    short: option.short?.startsWith('--') === true ? option.short.slice(1) : option.short,
    description: option.description,
    takesValue: option.required || option.optional,
    choices: choicesOf(option),
  };
}

/** Every command under `root`, depth first; `inherited` are the root's flags accepted anywhere. */
export function commandSpecOf(root: Command, inherited: readonly string[] = ['--wide']): CommandSpec {
  const rootFlags = root.options
    .map(flagOf)
    .filter((f) => f.long !== undefined && inherited.includes(f.long));
  const walk = (cmd: Command, path: string, isRoot: boolean): CommandSpec => ({
    path,
    description: cmd.description(),
    subcommands: cmd.commands.map((sub) => walk(sub, `${path} ${sub.name()}`, false)),
    flags: [...cmd.options.map(flagOf), ...(isRoot ? [] : rootFlags), HELP_FLAG],
  });
  return walk(root, root.name(), true);
}

/** The tree flattened, root first. */
export function allCommands(spec: CommandSpec): CommandSpec[] {
  return [spec, ...spec.subcommands.flatMap(allCommands)];
}

/** `-t` and `--format-type` as one list, in that order. */
export const flagNames = (flag: FlagSpec): string[] =>
  [flag.short, flag.long].filter((f): f is string => f !== undefined);

/** The last word of a path: the command's name. */
export const nameOf = (spec: CommandSpec): string => spec.path.slice(spec.path.lastIndexOf(' ') + 1);
