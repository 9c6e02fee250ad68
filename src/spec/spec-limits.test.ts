// The cheap limits run before the expensive stages and refuse with a line; ordinary specs never trip them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsmoError } from '../core/errors.js';
import {
  dryRunWorkflowSpec,
  MAX_NESTING_DEPTH,
  MAX_RENDERED_SPEC_CHARS,
  parseWorkflowSpec,
} from './index.js';

const opts = { set: [], setString: [], envVars: [] };
const task = (name: string, extra = ''): string =>
  `  - name: ${name}\n    image: ubuntu\n    command: [echo]\n${extra}`;
const refused = (text: string, pattern: RegExp): void =>
  assert.throws(
    () => parseWorkflowSpec(text, opts),
    (e: unknown) => e instanceof OsmoError && e.code === 'USAGE' && pattern.test(e.message),
  );

/** The chained spec of the service-freeze report: every task reads the one before it. */
const chain = (tasks: number): string => {
  const lines = ['workflow:', '  name: chain', '  tasks:'];
  for (let i = 0; i < tasks; i++) {
    const input = i === 0 ? '' : `, inputs: [{task: t${i - 1}}]`;
    lines.push(`  - {name: t${i}, image: bash, command: [x]${input}}`);
  }
  return `${lines.join('\n')}\n`;
};

const deepSpecs: ReadonlyArray<[string, string, number]> = [
  ['flow sequences', `workflow:\n  name: x\n  tasks: ${'['.repeat(50_000)}\n`, 3],
  ['flow mappings', `workflow:\n  name: x\n  tasks: ${'{a: '.repeat(20_000)}\n`, 3],
  [
    'block mappings',
    `workflow:\n  name: x\n  tasks:\n${Array.from({ length: 300 }, (_, i) => `${' '.repeat(i + 4)}k${i}:`).join('\n')}\n`,
    102,
  ],
  ['block sequences', `workflow:\n  name: x\n  tasks:\n   ${'- '.repeat(50_000)}a\n`, 4],
];
for (const [name, text, line] of deepSpecs) {
  test(`nesting deeper than the limit is refused before YAML, with its line: ${name}`, () =>
    refused(
      text,
      new RegExp(
        `^Workflow spec is not properly formatted: the spec nests deeper than ${MAX_NESTING_DEPTH} levels at line ${line}, column \\d+$`,
      ),
    ));
}

test('brackets in scripts, quoted strings, flow strings and comments do not count as nesting', () => {
  const brackets = '['.repeat(3 * MAX_NESTING_DEPTH);
  const script = `    args:\n    - |\n      echo ${brackets}\n        ${brackets}\n    - "${brackets}"\n    - '${brackets}'\n`;
  const flow = `    environment: {A: "${brackets}", B: '${brackets} it''s'}\n`;
  const text = `workflow:\n  name: w\n  tasks:\n${task('a', script + flow)}  # ${brackets}\n`;
  const spec = parseWorkflowSpec(text, opts);
  assert.equal(spec.groups[0]?.tasks[0]?.args[1], brackets);
  assert.equal(spec.groups[0]?.tasks[0]?.environment['B'], `${brackets} it's`);
});

test('the task limit is counted before the schema looks at any task', () => {
  const many =
    Array.from({ length: 20 }, (_, i) => task(`t${i}`)).join('') + task('t20', '    colour: red\n');
  refused(`workflow:\n  name: w\n  tasks:\n${many}`, /^Workflow cannot have more than 20 tasks\.$/);
  const grouped = `workflow:\n  name: w\n  groups:\n  - name: g\n    tasks:\n${Array.from({ length: 21 }, (_, i) => `    - {name: t${i}}\n`).join('')}`;
  refused(grouped, /^Workflow cannot have more than 20 tasks\.$/);
  refused(chain(14_000), /^Workflow cannot have more than 20 tasks\.$/);
});

test('a large spec is counted on the syntax tree, before the document is built', () => {
  const pad = `# ${'x'.repeat(70_000)}\n`;
  // Past the task limit, a YAML error further down is never reached: the count came first.
  refused(`${chain(21)}${pad}  - {name: broken, image: [\n`, /^Workflow cannot have more than 20 tasks\.$/);
  const flow = `workflow:\n  name: w\n  tasks: [${Array.from({ length: 21 }, (_, i) => `{name: t${i}}`).join(', ')}]\n${pad}`;
  refused(flow, /^Workflow cannot have more than 20 tasks\.$/);
  const grouped = `workflow:\n  name: w\n  groups:\n${[0, 1].map((g) => `  - name: g${g}\n    tasks:\n${Array.from({ length: 11 }, (_, i) => `    - {name: t${g}x${i}}\n`).join('')}`).join('')}${pad}`;
  refused(grouped, /^Workflow cannot have more than 20 tasks\.$/);
  // Written with an alias, the tasks are left to the count after the parse: at the limit, accepted.
  const aliased = `workflow:\n  name: w\n  tasks: &all\n${task('a')}${pad}`;
  assert.equal(parseWorkflowSpec(aliased, opts).groups.length, 1);
});

test('a template that renders past the size cap is refused before YAML', () => {
  const text = `workflow:\n  name: w\n  tasks:\n${task('a')}# {{ pad }}\n`;
  const pad = 'x'.repeat(MAX_RENDERED_SPEC_CHARS);
  assert.throws(
    () => parseWorkflowSpec(text, { ...opts, setString: [`pad=${pad}`] }),
    (e: unknown) =>
      e instanceof OsmoError &&
      e.message === `The rendered workflow spec is larger than ${MAX_RENDERED_SPEC_CHARS} characters.`,
  );
});

test('a dry run checks everything a submit checks, with localpath files standing in', () => {
  const files = '    files:\n    - path: /data/in.txt\n      localpath: in.txt\n';
  const { rendered, spec } = dryRunWorkflowSpec(`workflow:\n  name: w\n  tasks:\n${task('a', files)}`, opts);
  assert.match(rendered, /localpath: in\.txt/);
  assert.deepEqual(spec.groups[0]?.tasks[0]?.files, [{ path: '/data/in.txt', contents: '', base64: false }]);
  assert.throws(
    () => dryRunWorkflowSpec(`workflow:\n  name: w\n  tasks:\n${task('a')}${task('a')}`, opts),
    (e: unknown) => e instanceof OsmoError && e.code === 'USAGE' && /\ba\b/.test(e.message),
  );
});
