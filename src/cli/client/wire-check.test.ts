// The CLI's zod-free check of service answers, against the reference's fixtures and broken answers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { conforms, wireIssues } from './wire-check.js';
import { WIRE, WIRE_JSON } from './wire-schemas.generated.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'cli', name), 'utf8'));

test("the reference service's answers conform to the contract", () => {
  assert.deepEqual(wireIssues(WIRE_JSON, WIRE.WorkflowList, fixture('workflow_list.json')), []);
  for (const name of ['workflow_query_single_task.json', 'workflow_query_app_run.json']) {
    assert.deepEqual(wireIssues(WIRE_JSON, WIRE.WorkflowQuery, fixture(name)), [], name);
  }
  assert.deepEqual(wireIssues(WIRE_JSON, WIRE.Resources, fixture('resource_list.json')), []);
});

test('a missing field, a wrong type or a value outside an enum is named with its path', () => {
  const list = fixture('workflow_list.json') as { workflows: Record<string, unknown>[] };
  const [first] = list.workflows;
  assert.ok(first);
  delete first['name'];
  first['status'] = 'SLEEPING';
  first['queued_time'] = 'soon';
  const [missing, mistyped, outside, ...more] = wireIssues(WIRE_JSON, WIRE.WorkflowList, list);
  assert.equal(missing, 'workflows.0.name: required');
  assert.equal(mistyped, 'workflows.0.queued_time: expected number or null, received string');
  assert.match(outside ?? '', /^workflows\.0\.status: expected one of "PENDING", "RUNNING", /);
  assert.deepEqual(more, []);
  assert.equal(conforms(WIRE_JSON, WIRE.WorkflowList, list), false);
  assert.deepEqual(wireIssues(WIRE_JSON, WIRE.Tags, null), ['(answer): expected object, received null']);
});

test('fields the contract does not know pass; records check their values; unions take any branch', () => {
  assert.equal(conforms(WIRE_JSON, WIRE.Tags, { tags: ['a'], added_later: { x: 1 } }), true);
  assert.equal(conforms(WIRE_JSON, WIRE.PoolList, { pools: { p: 7 } }), false);
  assert.equal(conforms(WIRE_JSON, WIRE.DatasetUpload, { version_id: 'v1' }), true);
  assert.equal(conforms(WIRE_JSON, WIRE.DatasetUpload, { version: 'v1' }), false);
  assert.equal(conforms(WIRE_JSON, WIRE.Done, null), true);
  assert.equal(conforms(WIRE_JSON, WIRE.AnyJson, [1, 'two']), true);
  assert.equal(conforms(WIRE_JSON, WIRE.Refused, {}), false);
});
