import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTaskList } from './list.js';

const rows = [
  {
    user: 'a',
    workflow_id: 'wf-1',
    task_name: 't',
    status: 'RUNNING',
    pool: 'p',
    priority: 'NORMAL',
    node: null,
    start_time: '2026-05-05T18:00:00',
    storage: 10,
    cpu: 2,
    memory: 4.5,
    gpu: 1,
  },
  {
    user: 'b',
    workflow_id: 'wf-2',
    task_name: 'u',
    status: 'RUNNING',
    pool: 'p',
    priority: 'LOW',
    node: 'n1',
    start_time: null,
    storage: 490,
    cpu: 8,
    memory: 16,
    gpu: 0,
  },
];

test('default mode: dashes for missing values, local start time', () => {
  const text = renderTaskList('tasks', rows, 'UTC');
  const lines = text.split('\n');
  assert.equal(
    lines[0],
    'User   Workflow ID   Task   Status    Pool   Priority   Node   Start Time            ',
  );
  assert.equal(
    lines[2],
    'a      wf-1          t      RUNNING   p      NORMAL     -      May 05, 2026 18:00 UTC',
  );
  assert.equal(
    lines[3],
    'b      wf-2          u      RUNNING   p      LOW        n1     -                     ',
  );
});

test('verbose mode adds resources and a totals row printed as Python floats', () => {
  const lines = renderTaskList('verbose', rows, 'UTC').trimEnd().split('\n');
  assert.equal(lines.length, 6);
  assert.equal(lines[4], lines[1]);
  assert.match(lines[5] ?? '', /500\.0 +10 +20\.5 +1 *$/);
  assert.match(lines[2] ?? '', /10\.0 +2 +4\.5 +1 *$/);
});

test('summary and workflow modes have their own empty messages', () => {
  assert.equal(renderTaskList('summary', []), 'There are no summaries to view.\n');
  assert.equal(renderTaskList('workflow', []), 'There are no workflows to view.\n');
  assert.equal(renderTaskList('tasks', []), 'There are no tasks to view.\n');
});
