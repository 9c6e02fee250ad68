// Field validators shared by the spec schema: types, coercions and pydantic-style issues with paths.

import { usageError } from '../../core/errors.js';
import type { OsmoError } from '../../core/errors.js';
import { PyFloat, pyFloatRepr } from '../py-float.js';

export type Path = readonly (string | number)[];

/** Collects every failing field, like upstream's validator, before one error is thrown. */
export class Issues {
  private readonly entries: { readonly path: string; readonly message: string }[] = [];

  add(path: Path, message: string): undefined {
    this.entries.push({ path: path.join('.'), message });
    return undefined;
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /**
   * One entry per failing field path, as upstream's validator lists them, under a plain heading:
   * upstream's heading names its Python model (`1 validation error for WorkflowSpec`).
   */
  toError(): OsmoError {
    const n = this.entries.length;
    const lines = this.entries.map((e) => `${e.path}\n  ${e.message}`);
    const heading = `The workflow spec has ${n} error${n === 1 ? '' : 's'} (field path, then the problem):`;
    return usageError(`${heading}\n${lines.join('\n')}`);
  }
}

export type Fields = Readonly<Record<string, unknown>>;

export const isMapping = (value: unknown): value is Fields =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  !(value instanceof Date) &&
  !(value instanceof PyFloat);

/** A mapping with only `allowed` keys and all `required` ones present; undefined (issues recorded) otherwise. */
export function mapping(
  value: unknown,
  path: Path,
  issues: Issues,
  allowed: readonly string[],
  required: readonly string[] = [],
): Fields | undefined {
  if (!isMapping(value)) return issues.add(path, 'Input should be a valid dictionary');
  let ok = true;
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) ok = issues.add([...path, key], 'Extra inputs are not permitted') ?? false;
  }
  for (const key of required) {
    if (value[key] === undefined || value[key] === null)
      ok = issues.add([...path, key], 'Field required') ?? false;
  }
  return ok ? value : undefined;
}

/** Python's str() of a YAML scalar: ints as digits, floats like repr. */
export function scalarText(value: unknown, allowBool: boolean): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloatRepr(value);
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  if (allowBool && typeof value === 'boolean') return value ? 'True' : 'False';
  return undefined;
}

export function str(value: unknown, path: Path, issues: Issues): string | undefined {
  return scalarText(value, false) ?? issues.add(path, 'Input should be a valid string');
}

export function optionalStr(
  value: unknown,
  path: Path,
  issues: Issues,
  fallback: string,
): string | undefined {
  return value === undefined ? fallback : str(value, path, issues);
}

const TRUE_TEXT = new Set(['true', 'yes', 'on', '1', 't', 'y']);
const FALSE_TEXT = new Set(['false', 'no', 'off', '0', 'f', 'n']);

/** Booleans, plus the strings and 0/1 that pydantic's lax mode accepts. */
export function bool(value: unknown, path: Path, issues: Issues, fallback: boolean): boolean | undefined {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1) return value === 1;
  if (typeof value === 'string' && TRUE_TEXT.has(value.toLowerCase())) return true;
  if (typeof value === 'string' && FALSE_TEXT.has(value.toLowerCase())) return false;
  return issues.add(path, 'Input should be a valid boolean');
}

/** Integers, integral floats and integer strings; fractions are rejected. */
export function int(value: unknown, path: Path, issues: Issues): number | undefined {
  const n =
    value instanceof PyFloat
      ? value.value
      : typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)
        ? Number(value)
        : value;
  if (typeof n === 'number' && Number.isSafeInteger(n)) return n;
  if (typeof n === 'number' && Number.isFinite(n))
    return issues.add(path, 'Input should be a valid integer, got a number with a fractional part');
  return issues.add(path, 'Input should be a valid integer');
}

export function list(value: unknown, path: Path, issues: Issues): readonly unknown[] | undefined {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : issues.add(path, 'Input should be a valid list');
}

export function strList(value: unknown, path: Path, issues: Issues): string[] | undefined {
  const items = list(value, path, issues);
  if (items === undefined) return undefined;
  const out = items.map((item, i) => str(item, [...path, i], issues));
  return out.every((s): s is string => s !== undefined) ? out : undefined;
}

/** A map of scalar values stringified Python-style; booleans become `True`/`False`. */
export function strMap(value: unknown, path: Path, issues: Issues): Record<string, string> | undefined {
  if (value === undefined || value === null) return {};
  if (!isMapping(value)) return issues.add(path, 'Input should be a valid dictionary');
  const out: Record<string, string> = {};
  let ok = true;
  for (const [key, item] of Object.entries(value)) {
    const text = scalarText(item, true);
    if (text === undefined) ok = issues.add([...path, key], 'Input should be a valid string') ?? false;
    else out[key] = text;
  }
  return ok ? out : undefined;
}

/** Compiles with JavaScript's engine after mapping Python's named-group syntax. */
export function isValidRegex(pattern: string): boolean {
  try {
    new RegExp(pattern.replaceAll('(?P<', '(?<').replaceAll(/\(\?P=(\w+)\)/g, '\\k<$1>'));
    return true;
  } catch {
    return false;
  }
}

const NAME_PATTERN = /^[a-zA-Z]([a-zA-Z0-9_-]*[a-zA-Z0-9])?$/;

/** A workflow, group or task name. */
export function name(value: unknown, path: Path, issues: Issues): string | undefined {
  const text = str(value, path, issues);
  if (text !== undefined && !NAME_PATTERN.test(text)) {
    return issues.add(path, `String should match pattern '${NAME_PATTERN.source}'`);
  }
  return text;
}
