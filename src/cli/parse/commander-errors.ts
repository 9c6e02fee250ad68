// Translates commander's parse failures into argparse's wording.
import type { Command } from 'commander';
import { ArgparseError } from '../errors.js';
import { commandPath, usageLine } from './argv.js';
import { argparseName } from './options.js';
import { suggestionText } from './suggest.js';

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
    const flag = m[1] ?? '';
    text = `unrecognized arguments: ${flag}${suggestionText(flag.split('=')[0] ?? flag, knownFlags(cmd))}`;
  } else if (
    code === 'commander.invalidArgument' &&
    (m = / is invalid(?: for argument '[^']*')?\. (.*)$/s.exec(raw)) !== null
  ) {
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

/** argparse's invalid-choice message, with its "maybe you meant" when a command is a typo away. */
export function invalidCommandText(cmd: Command, name: string): string {
  const names = cmd.commands.map((c) => c.name());
  const choices = names.map((n) => `'${n}'`).join(', ');
  return `argument command: invalid choice: '${name}'${suggestionText(name, names)} (choose from ${choices})`;
}

/** The long flags `cmd` takes, its ancestors' included (root options are accepted anywhere). */
function knownFlags(cmd: Command): string[] {
  const flags: string[] = [];
  for (let c: Command | null = cmd; c !== null; c = c.parent) {
    for (const option of c.options) if (option.long !== undefined) flags.push(option.long);
  }
  return [...flags, '--help'];
}
