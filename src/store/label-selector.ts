// Parses workflow label selectors (`key=value`, `*` wildcards, `(a|b)` alternatives).
import { usageError } from '../core/index.js';

const MAX_SELECTOR_BYTES = 4096;
const MAX_EXPANDED_PATTERNS = 32;

/** `present`: `key=*`; `match`: the value equals one of the patterns, each literal parts joined by wildcards. */
export type LabelSelector =
  | { readonly kind: 'present'; readonly key: string }
  | { readonly kind: 'match'; readonly key: string; readonly patterns: readonly (readonly string[])[] };

export function parseLabelSelectors(selectors: readonly string[]): LabelSelector[] {
  const bytes = selectors.reduce((sum, s) => sum + Buffer.byteLength(s, 'utf8'), 0);
  if (bytes > MAX_SELECTOR_BYTES) {
    throw usageError(`Label selectors must not exceed ${MAX_SELECTOR_BYTES} bytes.`);
  }
  let expanded = 0;
  return selectors.map((selector) => {
    const eq = selector.indexOf('=');
    if (eq <= 0) throw usageError(`Invalid label selector ${selector}: expected key=value.`);
    const key = selector.slice(0, eq);
    const value = selector.slice(eq + 1);
    if (value === '*') return { kind: 'present', key };
    const alternatives = expandAlternatives(value, selector);
    expanded += alternatives.length;
    if (expanded > MAX_EXPANDED_PATTERNS) {
      throw usageError(`Label selectors expand to more than ${MAX_EXPANDED_PATTERNS} patterns.`);
    }
    return { kind: 'match', key, patterns: alternatives.map((p) => p.split('*')) };
  });
}

// `a-(x|y)-(1|2)` becomes a-x-1, a-x-2, a-y-1, a-y-2; groups do not nest.
function expandAlternatives(value: string, selector: string): string[] {
  let results = [''];
  let rest = value;
  while (rest.length > 0) {
    const open = rest.indexOf('(');
    if (open < 0) {
      results = results.map((r) => r + rest);
      break;
    }
    const close = rest.indexOf(')', open);
    if (close < 0) throw usageError(`Invalid label selector ${selector}: unclosed "(".`);
    const choices = rest.slice(open + 1, close).split('|');
    if (choices.some((c) => c.includes('('))) {
      throw usageError(`Invalid label selector ${selector}: nested "(" is not supported.`);
    }
    const prefix = rest.slice(0, open);
    results = results.flatMap((r) => choices.map((c) => r + prefix + c));
    if (results.length > MAX_EXPANDED_PATTERNS) {
      throw usageError(`Label selectors expand to more than ${MAX_EXPANDED_PATTERNS} patterns.`);
    }
    rest = rest.slice(close + 1);
  }
  return results;
}
