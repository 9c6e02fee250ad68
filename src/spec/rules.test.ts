// Table-driven tests of the pure rules: sandbox, status machines, quantities, durations, names, values, sections.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OsmoError } from '../core/errors.js';
import { EXIT_CODES } from '../core/exit-codes.js';
import type { GroupStatus, TaskStatus } from '../core/statuses.js';
import {
  aggregateGroupStatus,
  canTransitionGroup,
  canTransitionTask,
  exitActionFor,
  groupTransitionSources,
  isTemplated,
  parseDurationSeconds,
  parseEnvVars,
  parseExitActions,
  parseQuantityBytes,
  parseTemplateValues,
  PyFloat,
  renderWorkflowText,
  siblingOutcome,
  splitSections,
  taskTransitionSources,
  typeSetValue,
  WORKFLOW_ID_PATTERN,
  NAME_PATTERN,
} from './index.js';

const none: { readonly set: readonly string[]; readonly setString: readonly string[] } = {
  set: [],
  setString: [],
};
const render = (body: string, values = none): string =>
  renderWorkflowText(`workflow:\n  x: ${body}\n`, values);

void describe('Jinja sandbox', () => {
  const hostile: readonly string[] = [
    '{{ x.constructor }}',
    '{{ x.constructor.constructor("return process")() }}',
    '{{ x.__proto__ }}',
    '{{ x["constructor"] }}',
    '{{ process }}',
    '{{ require("fs") }}',
    '{{ globalThis }}',
    '{{ x.toString }}',
    '{{ strftime_now("%Y") }}',
    '{{ raise_exception("boom") }}',
    '{{ range(1000000)|length }}',
    '{{ (x.__class__) }}',
  ];
  for (const template of hostile) {
    void test(`refuses ${template}`, () => {
      assert.throws(
        () => render(template, { set: [], setString: ['x=abc'] }),
        (e: unknown) =>
          e instanceof OsmoError &&
          e.code === 'USAGE' &&
          e.message.startsWith('Jinja substitution failure: '),
      );
    });
  }
  void test('an unbounded loop hits the time limit', () => {
    assert.throws(
      () => render('{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}'),
      /exceeded time limit/,
    );
  });
  const cases: readonly [string, readonly string[], string][] = [
    ['{{ v }}', ['v=2.0'], '2.0'],
    ['{{ v }}', ['v=1_000'], '1000'],
    ['{{ v is defined }}', [], 'False'],
    ['{{ v | default("d") }}', [], 'd'],
    ['{% if v is undefined %}u{% endif %}', [], 'u'],
    ['{{ [1, "a"] }}', [], "[1, 'a']"],
  ];
  for (const [template, set, want] of cases) {
    void test(`renders ${template} with ${set.join(' ') || 'nothing'}`, () => {
      assert.equal(render(template, { set, setString: [] }), `workflow:\n  x: ${want}`);
    });
  }
  void test('undefined names are rejected naming the variable, even in if tests', () => {
    assert.throws(() => render('{% if nope %}a{% endif %}'), /'nope' is undefined/);
  });
  void test('spaced or malformed tokens are not shielded; input with inner space stays literal', () => {
    assert.equal(render('{{input: 0}}'), 'workflow:\n  x: {{input: 0}}');
    assert.throws(() => render('{{ workflow_id }}'), /'workflow_id' is undefined/);
  });
});

void describe('status machines', () => {
  const task: readonly [TaskStatus, TaskStatus, boolean][] = [
    ['WAITING', 'PROCESSING', true],
    ['PROCESSING', 'WAITING', false],
    ['SCHEDULING', 'RUNNING', true],
    ['RUNNING', 'SCHEDULING', false],
    ['RUNNING', 'COMPLETED', true],
    ['RUNNING', 'FAILED_START_TIMEOUT', false],
    ['INITIALIZING', 'FAILED_START_TIMEOUT', true],
    ['COMPLETED', 'FAILED', false],
    ['RESCHEDULED', 'RUNNING', false],
    ['RUNNING', 'RUNNING', false],
  ];
  for (const [from, to, want] of task)
    void test(`task ${from} -> ${to}: ${want}`, () => assert.equal(canTransitionTask(from, to), want));
  void test('task sources of FAILED include every alive status', () => {
    assert.deepEqual(taskTransitionSources('FAILED'), [
      'WAITING',
      'PROCESSING',
      'SCHEDULING',
      'INITIALIZING',
      'RUNNING',
    ]);
  });
  const group: readonly [GroupStatus, GroupStatus, boolean, boolean][] = [
    ['SUBMITTING', 'WAITING', false, true],
    ['PROCESSING', 'WAITING', false, false],
    ['PROCESSING', 'FAILED_CANCELED', false, false],
    ['PROCESSING', 'FAILED_CANCELED', true, true],
    ['PROCESSING', 'FAILED', false, true],
    ['COMPLETED', 'FAILED_CANCELED', true, false],
  ];
  for (const [from, to, force, want] of group) {
    void test(`group ${from} -> ${to}${force ? ' (forced)' : ''}: ${want}`, () =>
      assert.equal(canTransitionGroup(from, to, force), want));
  }
  void test('group sources of WAITING', () =>
    assert.deepEqual(groupTransitionSources('WAITING'), ['SUBMITTING']));
  const agg: readonly [readonly [TaskStatus, boolean][], boolean, GroupStatus][] = [
    [
      [
        ['WAITING', true],
        ['SCHEDULING', false],
      ],
      true,
      'INITIALIZING',
    ],
    [
      [
        ['RESCHEDULED', true],
        ['SCHEDULING', false],
      ],
      true,
      'RUNNING',
    ],
    [
      [
        ['COMPLETED', true],
        ['FAILED_UPSTREAM', false],
      ],
      true,
      'FAILED_UPSTREAM',
    ],
    [
      [
        ['COMPLETED', true],
        ['FAILED_SERVER_ERROR', false],
      ],
      true,
      'FAILED_SERVER_ERROR',
    ],
    [
      [
        ['COMPLETED', true],
        ['FAILED_EVICTED', false],
      ],
      true,
      'COMPLETED',
    ],
    [
      [
        ['COMPLETED', true],
        ['FAILED_EVICTED', false],
      ],
      false,
      'FAILED_EVICTED',
    ],
    [
      [
        ['FAILED_IMAGE_PULL', true],
        ['COMPLETED', false],
      ],
      true,
      'FAILED',
    ],
    [
      [
        ['COMPLETED', true],
        ['COMPLETED', false],
      ],
      false,
      'COMPLETED',
    ],
  ];
  agg.forEach(([tasks, ignore, want], i) => {
    void test(`group aggregation case ${i} -> ${want}`, () => {
      const views = tasks.map(([status, lead], j) => ({ name: `t${j}`, status, lead }));
      assert.equal(aggregateGroupStatus(views, ignore), want);
    });
  });
  void test('sibling outcomes', () => {
    assert.deepEqual(siblingOutcome({ name: 'n', status: 'FAILED', lead: false }, true), { kind: 'none' });
    assert.deepEqual(siblingOutcome({ name: 'n', status: 'FAILED', lead: false }, false), {
      kind: 'finish',
      status: 'FAILED',
      message: 'Task n Failed.',
    });
    assert.deepEqual(siblingOutcome({ name: 'n', status: 'RESCHEDULED', lead: false }, false), {
      kind: 'restart',
    });
    assert.deepEqual(siblingOutcome({ name: 'n', status: 'RESCHEDULED', lead: false }, true), {
      kind: 'none',
    });
    assert.deepEqual(siblingOutcome({ name: 'l', status: 'RESCHEDULED', lead: true }, true), {
      kind: 'restart',
    });
  });
  void test('exit actions: ranges, map order, YAML ints, constants', () => {
    const actions = parseExitActions(
      [
        ['RESCHEDULE', '3006'],
        ['FAIL', '0,1-10,16'],
      ],
      't',
    );
    const table: readonly [number, string | null][] = [
      [0, 'FAIL'],
      [10, 'FAIL'],
      [11, null],
      [16, 'FAIL'],
      [3006, 'RESCHEDULE'],
    ];
    for (const [code, want] of table) assert.equal(exitActionFor(code, actions), want, `code ${code}`);
    assert.equal(EXIT_CODES.UPSTREAM, 3000);
    assert.equal(EXIT_CODES.PREEMPTED, 3006);
  });
});

void describe('values', () => {
  const quantities: readonly [string, number | RegExp][] = [
    ['1Ki', 1024],
    ['2Mi', 2 * 1024 ** 2],
    ['1.5Gi', 1.5 * 1024 ** 3],
    ['1TiB', 1024 ** 4],
    ['1024', 1024],
    ['8B', 8],
    ['10GB', /invalid unit: GB$/],
    ['1k', /invalid unit: k$/],
    ['1Pi', /invalid unit: Pi$/],
    ['10 Gi', /invalid value 10 Gi$/],
    ['-1Gi', /invalid value -1Gi$/],
    ['1e9', /invalid value 1e9$/],
    ['Gi', /invalid value Gi$/],
  ];
  for (const [text, want] of quantities) {
    void test(`quantity ${text}`, () => {
      if (typeof want === 'number') assert.equal(parseQuantityBytes(text, 'memory'), want);
      else
        assert.throws(
          () => parseQuantityBytes(text, 'memory'),
          (e: unknown) => e instanceof OsmoError && e.code === 'RESOURCE' && want.test(e.message),
        );
    });
  }
  const durations: readonly [string | number, number | null][] = [
    [30, 30],
    ['30s', 30],
    ['2h', 7200],
    ['1d', 86400],
    ['5m', 300],
    ['500ms', 0.5],
    ['PT10S', 10],
    ['P1DT2H', 93600],
    ['PT1.5S', 1.5],
    ['10h5m', null],
    ['1.5h', null],
    ['30', null],
    ['P', null],
    ['PT', null],
    ['P1Y', null],
  ];
  for (const [text, want] of durations) {
    void test(`duration ${String(text)}`, () => {
      if (want !== null) assert.equal(parseDurationSeconds(text), want);
      else
        assert.throws(() => parseDurationSeconds(text), /Cannot recognize duration: .*Only support ISO 8601/);
    });
  }
  const names: readonly [string, boolean][] = [
    ['a', true],
    ['a-b_c1', true],
    ['1a', false],
    ['a-', false],
    ['a.b', false],
    ['', false],
  ];
  for (const [name, want] of names)
    void test(`name "${name}" valid: ${want}`, () => assert.equal(NAME_PATTERN.test(name), want));
  void test('workflow ID pattern', () => {
    assert.ok(WORKFLOW_ID_PATTERN.test('train-12'));
    assert.ok(!WORKFLOW_ID_PATTERN.test('train.yaml'));
  });
  const typed: readonly [string, unknown][] = [
    ['5', 5],
    ['007', 7],
    ['1_000', 1000],
    [' 5 ', 5],
    ['1.5', new PyFloat(1.5)],
    ['1e3', new PyFloat(1000)],
    ['true', 'true'],
    ['yes', 'yes'],
    ['', ''],
    ['22.10', new PyFloat(22.1)],
    ['abc', 'abc'],
  ];
  for (const [raw, want] of typed)
    void test(`--set typing of "${raw}"`, () => assert.deepEqual(typeSetValue(raw), want));
  void test('--set without = and --set-env without = are rejected naming the item', () => {
    assert.throws(() => parseTemplateValues(['novalue'], []), /Data novalue is incorrectly formatted$/);
    assert.throws(() => parseEnvVars(['NOVAL']), /Environment variable NOVAL is incorrectly formatted$/);
    assert.deepEqual(parseEnvVars(['URL=http://h/?a=b']), { URL: 'http://h/?a=b' });
  });
  const templated: readonly [string, boolean][] = [
    ['{{output}}', true],
    ['{% if %}', true],
    ['{# c #}', true],
    ['# default-values', true],
    ['a: b', false],
  ];
  for (const [text, want] of templated)
    void test(`isTemplated(${text})`, () => assert.equal(isTemplated(text), want));
  void test('sections: unknown, duplicate, missing, order free, preamble dropped', () => {
    assert.throws(
      () => splitSections('workflow:\nfoo: 1\n'),
      /Unknown top-level key "foo" found in the workflow spec\.$/,
    );
    assert.throws(() => splitSections('workflow:\nworkflow:\n'), /Duplicate top-level key "workflow"/);
    assert.throws(
      () => splitSections('version: 2\n'),
      /Workflow spec not found\. The spec needs a top-level "workflow:" key/,
    );
    const s = splitSections('# c\ndefault-values:\n  a: 1\nworkflow:\n  name: x\n');
    assert.equal(s.workflow, 'workflow:\n  name: x\n');
    assert.equal(s['default-values'], 'default-values:\n  a: 1');
  });
});
