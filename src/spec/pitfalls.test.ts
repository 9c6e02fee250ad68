// One test per item of the reference's pitfall checklist.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsmoError } from '../core/errors.js';
import {
  aggregateGroupStatus,
  aggregateWorkflowStatus,
  makeWorkflowId,
  parseQuantityBytes,
  parseTemplateValues,
  parseWorkflowSpec,
  PyFloat,
  renderWorkflowText,
  resolveExitStatus,
  parseExitActions,
  siblingOutcome,
  substituteTaskTokens,
} from './index.js';

const opts = { set: [], setString: [], envVars: [] };
const task = (name: string, extra = ''): string =>
  `  - name: ${name}\n    image: ubuntu\n    command: [echo]\n${extra}`;
const throwsMessage = (fn: () => unknown, pattern: RegExp): void =>
  assert.throws(fn, (e: unknown) => e instanceof OsmoError && pattern.test(e.message));

void test('1. Jinja runs over every spec after shielding only brace-tight tokens, substituted later per task', () => {
  const text = `workflow:\n  name: w\n  tasks:\n${task('a', '    args: ["{{output}}", "{{input:0}}", "{{workflow_id}}", "{{uuid}}"]\n')}`;
  const spec = parseWorkflowSpec(text, opts);
  const t = spec.groups[0]?.tasks[0];
  assert.deepEqual(t?.args, ['{{output}}', '{{input:0}}', '{{workflow_id}}', '{{uuid}}']);
  throwsMessage(
    () => renderWorkflowText('workflow:\n  name: {{ output }}\n', { set: [], setString: [] }),
    /'output' is undefined/,
  );
  assert.ok(t !== undefined);
  const done = substituteTaskTokens(t, {
    workflowId: 'w-1',
    outputPath: '/osmo/data/output',
    inputPath: (i) => `/osmo/data/input/${i}`,
    hostOf: () => null,
  });
  assert.deepEqual(done.args, ['/osmo/data/output', '{{input:0}}', 'w-1', '{{uuid}}']);
});

void test('2. --set types int then float then string, --set-string never converts, split at the first =, precedence', () => {
  const values = parseTemplateValues(['a=5', 'b=1.5', 'c=true', 'd=x=y', 'e=1'], ['e=007']);
  assert.equal(values['a'], 5);
  assert.deepEqual(values['b'], new PyFloat(1.5));
  assert.equal(values['c'], 'true');
  assert.equal(values['d'], 'x=y');
  assert.equal(values['e'], '007');
  const text = 'workflow:\n  name: n{{v}}\ndefault-values:\n  v: 1\n';
  assert.match(renderWorkflowText(text, { set: [], setString: [] }), /name: n1/);
  assert.match(renderWorkflowText(text, { set: ['v=2'], setString: [] }), /name: n2/);
  assert.match(renderWorkflowText(text, { set: ['v=2'], setString: ['v=3'] }), /name: n3/);
});

void test('3. dependencies are group-level, from same-workflow task inputs, producers listed earlier', () => {
  const ok = `workflow:\n  name: w\n  tasks:\n${task('a')}${task('b', '    inputs:\n    - task: a\n    - task: other-1:x\n')}`;
  assert.deepEqual(parseWorkflowSpec(ok, opts).groups[1]?.upstreamGroups, ['a-group']);
  const late = `workflow:\n  name: w\n  tasks:\n${task('b', '    inputs:\n    - task: a\n')}${task('a')}`;
  throwsMessage(
    () => parseWorkflowSpec(late, opts),
    /^Group "b-group" requires input group "a-group" exists before itself\.$/,
  );
  const self = `workflow:\n  name: w\n  tasks:\n${task('a', '    inputs:\n    - task: a\n')}`;
  throwsMessage(() => parseWorkflowSpec(self, opts), /Group "a-group" requires input group "a-group"/);
  const sibling = [
    'workflow:',
    '  name: w',
    '  groups:',
    '  - name: g',
    '    tasks:',
    '    - {name: a, image: u, command: [x], lead: true}',
    '    - {name: b, image: u, command: [x], inputs: [{task: a}]}',
  ].join('\n');
  throwsMessage(
    () => parseWorkflowSpec(sibling, opts),
    /Group "g" requires input group "g" exists before itself/,
  );
});

void test('4. exactly one lead per multi-task group, single task auto-lead, lead end force-finishes siblings', () => {
  const noLead = `workflow:\n  name: w\n  groups:\n  - name: g\n    tasks:\n${task('a')}${task('b')}`
    .replaceAll('\n  - name: a', '\n    - name: a')
    .replaceAll('\n  - name: b', '\n    - name: b');
  throwsMessage(
    () =>
      parseWorkflowSpec(
        noLead.replaceAll('\n    image', '\n      image').replaceAll('\n    command', '\n      command'),
        opts,
      ),
    /Group "g" has 0 leader\(s\) but must have exactly one\./,
  );
  const single = `workflow:\n  name: w\n  tasks:\n${task('a', '    lead: false\n')}`;
  assert.equal(parseWorkflowSpec(single, opts).groups[0]?.tasks[0]?.lead, true);
  assert.deepEqual(siblingOutcome({ name: 'l', status: 'FAILED_IMAGE_PULL', lead: true }, true), {
    kind: 'finish',
    status: 'FAILED',
    message: 'Lead task finished',
  });
  assert.deepEqual(siblingOutcome({ name: 'l', status: 'COMPLETED', lead: true }, true), {
    kind: 'finish',
    status: 'COMPLETED',
    message: 'Lead task finished',
  });
  const tasks = [
    { name: 'l', status: 'COMPLETED', lead: true },
    { name: 'n', status: 'FAILED', lead: false },
  ] as const;
  assert.equal(aggregateGroupStatus(tasks, true), 'COMPLETED');
  assert.equal(
    aggregateGroupStatus([tasks[0], { name: 'n', status: 'FAILED_PREEMPTED', lead: false }], true),
    'FAILED_PREEMPTED',
  );
});

void test('5. memory and storage accept binary units only; GB is an invalid unit; cpu and gpu are integers', () => {
  assert.equal(parseQuantityBytes('1Gi', 'memory'), 1024 ** 3);
  assert.equal(parseQuantityBytes('1G', 'memory'), 1024 ** 3);
  assert.throws(
    () => parseQuantityBytes('10GB', 'memory'),
    (e: unknown) =>
      e instanceof OsmoError &&
      e.code === 'RESOURCE' &&
      e.message === 'Resource memory field has invalid unit: GB',
  );
  const fractional = `workflow:\n  name: w\n  resources:\n    default:\n      cpu: 1.5\n  tasks:\n${task('a')}`;
  throwsMessage(
    () => parseWorkflowSpec(fractional, opts),
    /workflow\.resources\.default\.cpu\n {2}Input should be a valid integer/,
  );
});

void test('6. workflow status precedence, unfinished RUNNING or PENDING, WAITING never emitted', () => {
  assert.equal(
    aggregateWorkflowStatus(['FAILED_QUEUE_TIMEOUT', 'FAILED_CANCELED', 'FAILED_SERVER_ERROR']),
    'FAILED_CANCELED',
  );
  assert.equal(
    aggregateWorkflowStatus(['FAILED_QUEUE_TIMEOUT', 'FAILED_EXEC_TIMEOUT']),
    'FAILED_EXEC_TIMEOUT',
  );
  assert.equal(aggregateWorkflowStatus(['FAILED_EVICTED', 'FAILED_UPSTREAM']), 'FAILED_EVICTED');
  assert.equal(aggregateWorkflowStatus(['FAILED_EVICTED', 'FAILED_PREEMPTED']), 'FAILED');
  assert.equal(aggregateWorkflowStatus(['WAITING', 'COMPLETED']), 'PENDING');
  assert.equal(aggregateWorkflowStatus(['RUNNING', 'WAITING']), 'RUNNING');
});

void test('7. exit actions: only COMPLETE/FAIL/RESCHEDULE, ranges without spaces, task before pool, retry cap', () => {
  throwsMessage(
    () => parseExitActions([['RESTART', '1']], 't'),
    /^Invalid exit action RESTART for task t\.$/,
  );
  throwsMessage(
    () => parseExitActions([['FAIL', '1, 2']], 't'),
    /^Invalid exit codes 1, 2 for action FAIL for task t\.$/,
  );
  const actions = parseExitActions([['complete', '1-3']], 't');
  const pool = parseExitActions([['FAIL', '0-10']], 'pool');
  assert.equal(
    resolveExitStatus({
      reported: 'FAILED',
      exitCode: 2,
      actions,
      poolDefaults: pool,
      retryId: 0,
      maxRetryPerTask: 0,
    }).status,
    'COMPLETED',
  );
  assert.equal(
    resolveExitStatus({
      reported: 'COMPLETED',
      exitCode: 0,
      actions,
      poolDefaults: pool,
      retryId: 0,
      maxRetryPerTask: 0,
    }).status,
    'FAILED',
  );
  const capped = resolveExitStatus({
    reported: 'FAILED',
    exitCode: 3006,
    actions: parseExitActions([['RESCHEDULE', '3006']], 't'),
    retryId: 0,
    maxRetryPerTask: 0,
  });
  assert.deepEqual(capped, { status: 'FAILED', message: 'No exit action applied due to retry limit 0.' });
});

void test('8. names: regex, 64 chars including -group, folded uniqueness, osmo-ctrl reserved, IDs name-N', () => {
  const long = 'a'.repeat(59);
  throwsMessage(
    () => parseWorkflowSpec(`workflow:\n  name: w\n  tasks:\n${task(long)}`, opts),
    new RegExp(`^Name ${long}-group is too long\\. It must be 64 characters or less\\.$`),
  );
  throwsMessage(
    () => parseWorkflowSpec(`workflow:\n  name: w\n  tasks:\n${task('A_b')}${task('a-B')}`, opts),
    /same name: "a-b"/,
  );
  throwsMessage(
    () => parseWorkflowSpec(`workflow:\n  name: w\n  tasks:\n${task('a')}${task('a-group')}`, opts),
    /same name: "a-group"/,
  );
  throwsMessage(
    () => parseWorkflowSpec(`workflow:\n  name: w\n  tasks:\n${task('osmo_ctrl')}`, opts),
    /cannot be named "osmo-ctrl"/,
  );
  throwsMessage(
    () => parseWorkflowSpec(`workflow:\n  name: 1w\n  tasks:\n${task('a')}`, opts),
    /workflow\.name\n/,
  );
  assert.equal(makeWorkflowId('train', 3), 'train-3');
});

void test('9. timeouts: defaults and caps, pool then workflow config 60d', () => {
  const text = `workflow:\n  name: w\n  timeout:\n    exec_timeout: 2h\n  tasks:\n${task('a')}`;
  const spec = parseWorkflowSpec(text, {
    ...opts,
    defaultQueueTimeoutSeconds: 600,
    maxExecTimeoutSeconds: 3600,
  });
  assert.deepEqual(spec.declaredTimeout, { execTimeoutSeconds: 7200, queueTimeoutSeconds: null });
  assert.deepEqual(spec.timeout, { execTimeoutSeconds: 3600, queueTimeoutSeconds: 600 });
  assert.equal(
    parseWorkflowSpec(`workflow:\n  name: w\n  tasks:\n${task('a')}`, opts).timeout.execTimeoutSeconds,
    60 * 86400,
  );
});

void test('10. default task limit is 20; resources without default break tasks that omit resource', () => {
  const many = Array.from({ length: 21 }, (_, i) => task(`t${i}`)).join('');
  throwsMessage(
    () => parseWorkflowSpec(`workflow:\n  name: w\n  tasks:\n${many}`, opts),
    /^Workflow cannot have more than 20 tasks\.$/,
  );
  const noDefault = `workflow:\n  name: w\n  resources:\n    big:\n      gpu: 1\n  tasks:\n${task('a')}`;
  assert.throws(
    () => parseWorkflowSpec(noDefault, opts),
    (e: unknown) =>
      e instanceof OsmoError && e.code === 'RESOURCE' && /Task a has no specified resource/.test(e.message),
  );
});
