// Translates commander's parse failures into argparse's wording (cli.md §1.1).
import type { Command } from 'commander';
import { ArgparseError } from '../errors.js';
import { commandPath, usageLine } from './argv.js';
import { argparseName } from './options.js';

function optionNameFromFlags(cmd: Command, flags: string): string {
  const option = cmd.options.find((o) => o.flags === flags);
  return option === undefined ? flags : argparseName(option);
}

/** Builds the argparse error for a commander message raised while parsing `cmd`. */
export function argparseErrorFor(cmd: Command, code: string, message: string): ArgparseError {
  const raw = message.replace(/^error: /, '').trim();
  let text = raw;
  let m: RegExpExecArray | null;
  if (code === 'commander.unknownOption' && (m = /^unknown option '([^']*)'/.exec(raw)) !== null) {
    text = `unrecognized arguments: ${m[1]}`;
  } else if (code === 'commander.invalidArgument' && (m = / is invalid\. (.*)$/s.exec(raw)) !== null) {
    text = m[1] ?? raw;
  } else if (code === 'commander.missingArgument' && (m = /'([^']*)'/.exec(raw)) !== null) {
    text = `the following arguments are required: ${m[1]}`;
  } else if (code === 'commander.optionMissingArgument' && (m = /^option '([^']*)'/.exec(raw)) !== null) {
    text = `argument ${optionNameFromFlags(cmd, m[1] ?? '')}: expected one argument`;
  } else if (
    code === 'commander.conflictingOption' &&
    (m = /^option '([^']*)' cannot be used with option '([^']*)'/.exec(raw)) !== null
  ) {
    text = `argument ${optionNameFromFlags(cmd, m[1] ?? '')}: not allowed with argument ${optionNameFromFlags(cmd, m[2] ?? '')}`;
  } else if (code === 'commander.excessArguments') {
    const extra = cmd.args.slice(cmd.registeredArguments.length);
    text = `unrecognized arguments: ${extra.join(' ')}`;
  } else if (code === 'commander.unknownCommand' && (m = /^unknown command '([^']*)'/.exec(raw)) !== null) {
    text = invalidCommandText(cmd, m[1] ?? '');
  }
  return new ArgparseError(usageLine(cmd), commandPath(cmd), text);
}

export function invalidCommandText(cmd: Command, name: string): string {
  const choices = cmd.commands.map((c) => `'${c.name()}'`).join(', ');
  return `argument command: invalid choice: '${name}' (choose from ${choices})`;
}
