// Option builders with argparse's value checks and messages, for commander commands.
import { InvalidArgumentError, Option } from 'commander';

const lastWinsOptions = new WeakSet<Option>();
// The closed value lists of choice options, kept for shell completion (commander's own `choices` would
// replace argparse's wording of the error).
const choiceLists = new WeakMap<Option, readonly string[]>();

/** The values a choice option accepts, or undefined for a free-form option. */
export function choicesOf(option: Option): readonly string[] | undefined {
  return option.argChoices ?? choiceLists.get(option);
}

/** Plain `nargs='+'` options: a repeated flag replaces earlier values instead of adding to them. */
export function isLastWins(option: Option): boolean {
  return lastWinsOptions.has(option);
}

/** argparse's name for an option in messages: `--format-type/-t`. */
export function argparseName(option: Option): string {
  return [option.long, option.short].filter((f): f is string => f !== undefined).join('/');
}

function withParser<T>(option: Option, parse: (value: string, name: string) => T): Option {
  const name = argparseName(option);
  if (option.variadic) {
    return option.argParser((value: string, previous: unknown) => {
      const list = Array.isArray(previous) && previous !== option.defaultValue ? (previous as T[]) : [];
      return [...list, parse(value, name)];
    });
  }
  return option.argParser((value: string) => parse(value, name));
}

function quoteList(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

/** A value from a closed list; `caseInsensitive` upper-cases first (priorities). */
export function choiceOption(
  flags: string,
  description: string,
  choices: readonly string[],
  opts: { caseInsensitive?: boolean; lastWins?: boolean } = {},
): Option {
  const option = new Option(flags, description);
  if (opts.lastWins === true) lastWinsOptions.add(option);
  choiceLists.set(option, choices);
  return withParser(option, (raw, name) => {
    const value = opts.caseInsensitive === true ? raw.toUpperCase() : raw;
    if (!choices.includes(value)) {
      throw new InvalidArgumentError(
        `argument ${name}: invalid choice: '${value}' (choose from ${quoteList(choices)})`,
      );
    }
    return value;
  });
}

/** An integer, optionally bounded below (argparse `type=int` plus upstream's range checks). */
export function intOption(flags: string, description: string, min?: number): Option {
  return withParser(new Option(flags, description), (raw, name) => {
    if (!/^\s*[-+]?\d+\s*$/.test(raw))
      throw new InvalidArgumentError(`argument ${name}: invalid int value: '${raw}'`);
    const value = Number.parseInt(raw, 10);
    if (min !== undefined && value < min) {
      throw new InvalidArgumentError(
        `argument ${name}: ${min === 0 ? 'must be >= 0' : `must be >= ${min}`}: ${value}`,
      );
    }
    return value;
  });
}

/** A `nargs='+'` string list whose repeats replace each other. */
export function listOption(flags: string, description: string): Option {
  const option = new Option(flags, description);
  lastWinsOptions.add(option);
  return option;
}

/** A `nargs='+'` string list with argparse `extend`: repeats add up. */
export function extendOption(flags: string, description: string): Option {
  return withParser(new Option(flags, description), (raw) => raw).default([]);
}

/** `action='append'`: one value per occurrence, accumulated. */
export function appendOption(flags: string, description: string): Option {
  return new Option(flags, description)
    .argParser((value: string, previous: unknown) => [
      ...(Array.isArray(previous) ? (previous as string[]) : []),
      value,
    ])
    .default([]);
}

export const FORMAT_TYPES = ['json', 'text'] as const;
export type FormatType = (typeof FORMAT_TYPES)[number];

/** `--format-type/-t {json,text}`, default text. */
export function formatTypeOption(): Option {
  return choiceOption(
    '-t, --format-type <format>',
    'Specify the output format type (default text).',
    FORMAT_TYPES,
  ).default('text');
}
