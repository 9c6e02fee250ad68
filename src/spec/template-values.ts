// Parsing of `--set`, `--set-string`, `--set-env` items and template detection.

import { submissionError } from '../core/errors.js';
import { PyFloat } from './py-float.js';

/** What a Jinja variable can hold: YAML-typed defaults or `--set` values. */
export type TemplateValue =
  | string
  | number
  | boolean
  | null
  | Date
  | PyFloat
  | readonly TemplateValue[]
  | { readonly [key: string]: TemplateValue };

const TEMPLATE_MARKERS = ['{%', '{{', '{#', 'default-values'] as const;

/** The CLI's "templated" test: a marker anywhere in the text, comments included. */
export function isTemplated(text: string): boolean {
  return TEMPLATE_MARKERS.some((marker) => text.includes(marker));
}

const PY_INT = /^[+-]?(?:0|[1-9](?:_?\d)*|0(?:_?0)*)$/;
const PY_DECIMAL_INT = /^[+-]?\d(?:_?\d)*$/;
const PY_FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const PY_SPECIAL_FLOAT = /^[+-]?(?:inf|infinity|nan)$/i;

/** Python `int()` then `float()` then string, as upstream types `--set` values. */
export function typeSetValue(raw: string): TemplateValue {
  const text = raw.trim();
  // Python's int() accepts leading zeros (`007` → 7) although its literal syntax does not.
  if (PY_INT.test(text) || PY_DECIMAL_INT.test(text)) return Number(text.replaceAll('_', ''));
  if (PY_FLOAT.test(text)) return new PyFloat(Number(text.replaceAll('_', '')));
  if (PY_SPECIAL_FLOAT.test(text)) {
    const negative = text.startsWith('-');
    return new PyFloat(/nan/i.test(text) ? NaN : negative ? -Infinity : Infinity);
  }
  return raw;
}

function splitFirst(item: string): readonly [string, string] | null {
  const at = item.indexOf('=');
  return at < 0 ? null : [item.slice(0, at), item.slice(at + 1)];
}

/**
 * Builds the `--set` / `--set-string` variables, split at the first `=`; `--set-string` wins.
 * Throws OsmoError(SUBMISSION) `Data {entry} is incorrectly formatted`.
 */
export function parseTemplateValues(
  set: readonly string[],
  setString: readonly string[],
): Record<string, TemplateValue> {
  const values: Record<string, TemplateValue> = {};
  for (const [items, typed] of [
    [set, true],
    [setString, false],
  ] as const) {
    for (const item of items) {
      const pair = splitFirst(item);
      if (pair === null) throw submissionError(`Data ${item} is incorrectly formatted`);
      values[pair[0]] = typed ? typeSetValue(pair[1]) : pair[1];
    }
  }
  return values;
}

/**
 * Parses `--set-env` items into env vars. We split at the first `=`, unlike upstream, so values may hold `=`.
 * Throws OsmoError(SUBMISSION) `Environment variable {item} is incorrectly formatted`.
 */
export function parseEnvVars(items: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const item of items) {
    const pair = splitFirst(item);
    if (pair === null) throw submissionError(`Environment variable ${item} is incorrectly formatted`);
    env[pair[0]] = pair[1];
  }
  return env;
}
