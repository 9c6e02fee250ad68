// Rewrites argv before commander sees it: argparse's unambiguous long-option prefixes and last-wins lists.
import type { Command, Option } from 'commander';
import { ArgparseError } from '../errors.js';
import { isLastWins } from './options.js';

export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

export function usageLine(cmd: Command): string {
  return `usage: ${commandPath(cmd)} ${cmd.usage()}`;
}

function longFlags(cmd: Command): string[] {
  const flags = cmd.options.map((o) => o.long).filter((f): f is string => f !== undefined);
  return [...flags, '--help'];
}

function findOption(cmd: Command, flag: string): Option | undefined {
  return cmd.options.find((o) => o.long === flag || o.short === flag);
}

/** Expands `--form` to `--format-type` (or fails when ambiguous), per the command being parsed. */
function expandLong(cmd: Command, token: string): string {
  const eq = token.indexOf('=');
  const flag = eq === -1 ? token : token.slice(0, eq);
  const known = longFlags(cmd);
  if (known.includes(flag)) return token;
  const matches = known.filter((k) => k.startsWith(flag));
  if (matches.length > 1) {
    throw new ArgparseError(
      usageLine(cmd),
      commandPath(cmd),
      `ambiguous option: ${flag} could match ${matches.join(', ')}`,
    );
  }
  const [only] = matches;
  if (only === undefined) return token;
  return eq === -1 ? only : `${only}${token.slice(eq)}`;
}

interface Occurrence {
  readonly option: Option;
  readonly start: number;
  readonly end: number;
}

/** argparse allows multi-letter short flags (`resource info -pl`); commander takes them as a second long alias `--pl`. */
function multiLetterShort(cmd: Command, token: string): string {
  if (!/^-[^-]{2,}$/.test(token)) return token;
  const option = cmd.options.find((o) => o.short === `-${token}`);
  return option?.long ?? token;
}

/** Returns argv with abbreviations expanded and earlier occurrences of last-wins options dropped. */
export function normaliseArgv(root: Command, argv: readonly string[]): string[] {
  const out: string[] = [];
  const occurrences: Occurrence[] = [];
  let cmd = root;
  let sawOperand = false;
  let i = 0;
  while (i < argv.length) {
    const token = multiLetterShort(cmd, argv[i] ?? '');
    if (token === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (token.startsWith('-') && token.length > 1 && !/^-\d/.test(token)) {
      const expanded = token.startsWith('--') ? expandLong(cmd, token) : token;
      const start = out.length;
      out.push(expanded);
      i += 1;
      const flag = expanded.includes('=') ? expanded.slice(0, expanded.indexOf('=')) : expanded;
      const option = findOption(cmd, flag.startsWith('--') ? flag : flag.slice(0, 2));
      const inlineValue = expanded.includes('=') || (!flag.startsWith('--') && flag.length > 2);
      if (option !== undefined && (option.required || option.optional) && !inlineValue) {
        if (option.variadic) {
          while (i < argv.length && !(argv[i] ?? '').startsWith('-')) out.push(argv[i++] ?? '');
        } else if (i < argv.length) {
          out.push(argv[i++] ?? '');
        }
      }
      if (option !== undefined && isLastWins(option)) occurrences.push({ option, start, end: out.length });
      continue;
    }
    const sub = sawOperand
      ? undefined
      : cmd.commands.find((c) => c.name() === token || c.aliases().includes(token));
    if (sub !== undefined) {
      cmd = sub;
    } else {
      sawOperand = true;
    }
    out.push(token);
    i += 1;
  }
  const dropped = new Set<number>();
  for (const [index, occ] of occurrences.entries()) {
    const later = occurrences.slice(index + 1).some((o) => o.option === occ.option);
    if (later) for (let k = occ.start; k < occ.end; k += 1) dropped.add(k);
  }
  return out.filter((_, k) => !dropped.has(k));
}
