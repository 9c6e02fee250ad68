// The query text view prints why a PENDING workflow waits (our addition) and nothing extra otherwise.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WorkflowQuery } from '../shared/wire.js';
import { renderQueryText } from './query.js';

const base: WorkflowQuery = {
  name: 'wf-1',
  status: 'PENDING',
  submitted_by: 'alice',
  submit_time: '2026-05-05T18:00:00',
  overview: null,
  pool: 'batch',
  groups: [],
};

test('a pending reason and estimated start follow the Overview line', () => {
  const text = renderQueryText(
    {
      ...base,
      pending_reason: 'pool batch quota used up: 4 of 4 guaranteed GPUs in use',
      estimated_start_time: '2026-05-05T19:30:00',
    },
    'wf-1',
    false,
    'UTC',
  );
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith('Overview    :'));
  assert.equal(lines[at + 1], 'Waiting     : pool batch quota used up: 4 of 4 guaranteed GPUs in use');
  assert.equal(lines[at + 2], 'Est. Start  : May 05, 2026 19:30 UTC');
  assert.equal(lines[at + 3], '');
});

test('without a pending reason the header is upstream’s', () => {
  const text = renderQueryText({ ...base, status: 'RUNNING' }, 'wf-1', false, 'UTC');
  assert.doesNotMatch(text, /Waiting|Est\. Start/);
  const lines = text.split('\n');
  assert.equal(lines[lines.findIndex((l) => l.startsWith('Overview    :')) + 1], '');
});
