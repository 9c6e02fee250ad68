// The query text view prints why a PENDING workflow waits (our addition) and nothing extra otherwise.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WorkflowQuery } from '../shared/wire.js';
import { renderQueryText } from './query.js';

const link = 'http://localhost/api/workflow/wf-1';
const base: WorkflowQuery = {
  name: 'wf-1',
  uuid: 'u-1',
  submitted_by: 'alice',
  cancelled_by: null,
  spec: `${link}/spec`,
  template_spec: `${link}/spec?use_template=true`,
  logs: `${link}/logs`,
  events: `${link}/events`,
  overview: 'http://localhost/workflows/wf-1',
  parent_name: null,
  parent_job_id: null,
  dashboard_url: null,
  grafana_url: null,
  tags: [],
  submit_time: '2026-05-05T18:00:00',
  start_time: null,
  end_time: null,
  exec_timeout: null,
  queue_timeout: null,
  duration: null,
  queued_time: null,
  status: 'PENDING',
  outputs: '',
  groups: [],
  pool: 'batch',
  backend: null,
  app_owner: null,
  app_name: null,
  app_version: null,
  plugins: { rsync: false },
  priority: 'NORMAL',
  labels: {},
  warnings: [],
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
