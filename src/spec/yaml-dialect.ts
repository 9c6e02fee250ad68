// YAML 1.1 as PyYAML's safe_load resolves it, for both parsing and dumping.

import { parseDocument, stringify } from 'yaml';
import type { ScalarTag, Tags } from 'yaml';
import { OsmoError, usageError } from '../core/errors.js';
import { PyFloat, pyFloatRepr } from './py-float.js';

// PyYAML's bool set: these spellings only (`y`/`n` and mixed case like `yEs` stay strings).
const PY_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
// PyYAML floats need a dot; an exponent needs a sign (`1e-8`, `1.0e3` stay strings).
const PY_FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

const boolTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  identify: (value) => typeof value === 'boolean',
  default: true,
  test: PY_BOOL,
  resolve: (text) => /^(?:yes|true|on)$/i.test(text),
  stringify: ({ value }) => (value === true ? 'true' : 'false'),
};

const floatTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  identify: (value) => value instanceof PyFloat,
  default: true,
  test: PY_FLOAT,
  resolve: (text) => {
    const lower = text.toLowerCase();
    if (lower.endsWith('.nan')) return new PyFloat(NaN);
    if (lower.endsWith('.inf')) return new PyFloat(lower.startsWith('-') ? -Infinity : Infinity);
    return new PyFloat(Number(text.replaceAll('_', '')));
  },
  stringify: ({ value }) => {
    const n = value instanceof PyFloat ? value.value : Number(value);
    if (Number.isNaN(n)) return '.nan';
    if (!Number.isFinite(n)) return n > 0 ? '.inf' : '-.inf';
    const repr = pyFloatRepr(n);
    // Keep the dot so the dump re-parses as a float under PyYAML's rules.
    return repr.includes('.') ? repr.replace(/e(\d)/, 'e+$1') : repr.replace(/^(-?\d+)e/, '$1.0e');
  },
};

const withPythonScalars = (tags: Tags): Tags => [
  ...tags.filter((t) => {
    const name = typeof t === 'object' && 'tag' in t ? t.tag : '';
    return name !== 'tag:yaml.org,2002:bool' && name !== 'tag:yaml.org,2002:float';
  }),
  boolTag,
  floatTag,
];

const OPTIONS = {
  version: '1.1',
  customTags: withPythonScalars,
  uniqueKeys: false,
  prettyErrors: true,
} as const;

/**
 * Parses YAML 1.1 into plain data (floats as PyFloat, dates as Date).
 * Errors become OsmoError(USAGE) `{prefix}{yaml error with line and column}`.
 */
export function loadYaml(text: string, prefix: string): unknown {
  let doc;
  try {
    doc = parseDocument(text, OPTIONS);
    const [first] = doc.errors;
    if (first !== undefined) throw usageError(`${prefix}${first.message.trim()}`);
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    if (err instanceof OsmoError) throw err;
    // Deep nesting overflows the parser's stack and alias bombs trip maxAliasCount; both are user input.
    const detail = err instanceof Error ? err.message : String(err);
    throw usageError(`${prefix}${detail} at line 1, column 1`);
  }
}

/** Block-style YAML with keys sorted, as upstream's dry run dumps the rendered mapping. */
export function dumpYaml(value: unknown): string {
  return stringify(value, { ...OPTIONS, sortMapEntries: true, lineWidth: 0 });
}
