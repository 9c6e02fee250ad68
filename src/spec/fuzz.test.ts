// Seeded random mutations of the reference examples: the engine only ever throws OsmoError naming a field or line.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parse, stringify } from 'yaml';
import { OsmoError } from '../core/errors.js';
import { isTemplated, parseWorkflowSpec } from './index.js';

const EXAMPLES_DIR = fileURLToPath(new URL('../../../test/fixtures/examples/', import.meta.url));
const exampleFiles = (dir = EXAMPLES_DIR): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((f) => (statSync(join(dir, f)).isDirectory() ? exampleFiles(join(dir, f)) : [join(dir, f)]));

const ITERATIONS = 5000;

/** mulberry32: small, fast, reproducible. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JUNK = [
  '{{',
  '}}',
  '{%',
  '%}',
  ':',
  '- ',
  '\t',
  '\u0000',
  '\uffff',
  '"',
  "'",
  '[',
  ']',
  '&a',
  '*a',
  '!!',
  '\n  ',
  '#',
];
const WEIRD_VALUES: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  'x'.repeat(10_000),
  [],
  {},
  [[[[[]]]]],
  { a: { b: { c: {} } } },
  '10GB',
  '1.5h',
  'RESTART',
  '{{ nope }}',
  '__proto__',
  2 ** 53 + 2,
  '',
  'osmo-ctrl',
];

function mutateValue(value: unknown, random: () => number, depth = 0): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  if (Array.isArray(value) && value.length > 0 && random() < 0.6) {
    const copy = [...value];
    const i = Math.floor(random() * copy.length);
    if (random() < 0.2) copy.splice(i, 1);
    else copy[i] = mutateValue(copy[i], random, depth + 1);
    return copy;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && random() < 0.7) {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const key = pick(keys.length > 0 ? keys : ['x']);
    const roll = random();
    if (roll < 0.2) delete copy[key];
    else if (roll < 0.3)
      copy[pick(['foo', 'lead', 'resource', 'timeout', 'exitActions', 'inputs'])] = pick(WEIRD_VALUES);
    else copy[key] = mutateValue(copy[key], random, depth + 1);
    return copy;
  }
  if (random() < 0.1) {
    let nested: unknown = pick(WEIRD_VALUES);
    for (let i = 0; i < 200; i++) nested = random() < 0.5 ? [nested] : { n: nested };
    return nested;
  }
  return pick(WEIRD_VALUES);
}

function mutateText(text: string, random: () => number): string {
  const chars = [...text];
  const edits = 1 + Math.floor(random() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * (chars.length + 1));
    const roll = random();
    if (roll < 0.4) chars.splice(at, 1 + Math.floor(random() * 5));
    else chars.splice(at, 0, JUNK[Math.floor(random() * JUNK.length)] ?? '');
  }
  return chars.join('');
}

// A message names a line, a quoted item, a field path (schema errors put each on its own line), or a
// named task, group, resource or platform. Generic words ("Workflow spec not found.") do not count.
const NAMES_SOMETHING =
  /line \d+|"[^"]+"|'[^']+'|^workflow(?:\.[^\n]*)?$|\b(?:Task|Group|Resource|Platform|Container|Name|Data|Environment variable|Requesting undefined resource) \S+/m;
/** Implementation internals (Python classes, the template engine's token names) never reach a user. */
const INTERNALS =
  /<class '|jinja2\.|Parser Error|\b(?:Open|Close)(?:Expression|Statement)\b|Cannot read properties/;

void test(`fuzz: ${ITERATIONS} seeded mutations only raise OsmoError naming a field or line`, () => {
  const random = rng(20260505);
  const sources = exampleFiles().map((f) => readFileSync(f, 'utf8'));
  const objects = sources
    .filter((s) => !isTemplated(s) && !s.includes('localpath'))
    .map((s) => parse(s) as unknown);
  const started = Date.now();
  const outcomes = { ok: 0, rejected: 0, templateSyntax: 0 };
  for (let i = 0; i < ITERATIONS; i++) {
    const useText = random() < 0.4;
    const text = useText
      ? mutateText(sources[Math.floor(random() * sources.length)] ?? '', random)
      : stringify(mutateValue(objects[Math.floor(random() * objects.length)], random));
    try {
      parseWorkflowSpec(text, { set: [], setString: ['storage_url=s3://b/p'], envVars: [] });
      outcomes.ok++;
    } catch (err) {
      assert.ok(err instanceof OsmoError, `iteration ${i}: ${String(err)}\n${text.slice(0, 500)}`);
      assert.match(err.message, NAMES_SOMETHING, `iteration ${i}: message names nothing`);
      assert.doesNotMatch(err.message, INTERNALS, `iteration ${i}: message shows internals`);
      if (err.message.startsWith('Jinja substitution failure: syntax error')) {
        assert.match(
          err.message,
          /^Jinja substitution failure: syntax error on line \d+: /,
          `iteration ${i}`,
        );
        outcomes.templateSyntax++;
      }
      outcomes.rejected++;
    }
  }
  assert.ok(outcomes.rejected > ITERATIONS / 2, `most mutations are rejected (${outcomes.rejected})`);
  assert.ok(
    outcomes.templateSyntax > 50,
    `template syntax errors are exercised (${outcomes.templateSyntax})`,
  );
  assert.ok(Date.now() - started < 60_000, 'finishes in seconds');
});
