// The workflow list's URL chips and the API query they become (web/src/filters.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  listQuery,
  parseChips,
  readListUrl,
  statusesOf,
  submittedRange,
  writeListUrl,
} from '../../web/src/filters.js';

const state = (search: string) => readListUrl(new URLSearchParams(search));

test('without user chips or all=true the list is the caller’s own', () => {
  assert.deepEqual(listQuery(state(''), 'alice'), { offset: 0, limit: 50, order: 'DESC', users: ['alice'] });
});

test('all=true asks for every user; user chips win over it', () => {
  assert.equal(listQuery(state('all=true'), 'alice').all_users, true);
  assert.equal(listQuery(state('all=true'), 'alice').users, undefined);
  assert.deepEqual(listQuery(state('all=true&f=user:bob&f=user:carol'), 'alice').users, ['bob', 'carol']);
});

test('same-field chips are OR’d into repeated keys, different fields AND’d', () => {
  const q = listQuery(
    state('f=status:RUNNING&f=status:PENDING&f=pool:a&f=pool:b&f=name:train&f=tag:x'),
    'me',
  );
  assert.deepEqual(q.statuses, ['RUNNING', 'PENDING']);
  assert.deepEqual(q.pools, ['a', 'b']);
  assert.equal(q.name, 'train');
  assert.deepEqual(q.tags, ['x']);
});

test('status words expand to their category', () => {
  assert.deepEqual(statusesOf('waiting'), ['PENDING', 'WAITING']);
  assert.deepEqual(statusesOf('failed image pull'), ['FAILED_IMAGE_PULL']);
  assert.deepEqual(statusesOf('WAITING'), ['WAITING']);
  assert.deepEqual(statusesOf('running'), ['RUNNING']);
  assert.ok(statusesOf('failed').every((s) => s.startsWith('FAILED')));
  assert.equal(statusesOf('failed').length, 12);
  assert.deepEqual(statusesOf('nonsense'), []);
});

test('priorities are checked, unknown ones dropped', () => {
  assert.deepEqual(listQuery(state('f=priority:low&f=priority:urgent'), 'me').priority, ['LOW']);
});

test('submitted: a day, a range, an open bound', () => {
  assert.deepEqual(submittedRange('2026-05-01'), {
    after: '2026-05-01T00:00:00.000Z',
    before: '2026-05-02T00:00:00.000Z',
  });
  assert.deepEqual(submittedRange('2026-05-01..2026-05-03'), {
    after: '2026-05-01T00:00:00.000Z',
    before: '2026-05-04T00:00:00.000Z',
  });
  assert.deepEqual(submittedRange('..2026-05-03'), { before: '2026-05-04T00:00:00.000Z' });
  assert.equal(submittedRange('yesterday'), null);
  const q = listQuery(state('f=submitted:2026-05-01'), 'me');
  assert.equal(q.submitted_after, '2026-05-01T00:00:00.000Z');
});

test('chips: unknown fields and empty values are dropped, duplicates kept once', () => {
  assert.deepEqual(parseChips(['status:RUNNING', 'bogus:x', 'pool:', 'status:RUNNING', 'label:team=a:b']), [
    { field: 'status', value: 'RUNNING' },
    { field: 'label', value: 'team=a:b' },
  ]);
});

test('the URL round-trips', () => {
  const url = writeListUrl({
    chips: parseChips(['pool:a', 'status:failed']),
    all: true,
    offset: 100,
    order: 'ASC',
  });
  assert.equal(url, '/workflows?f=pool%3Aa&f=status%3Afailed&all=true&offset=100&order=asc');
  const back = readListUrl(new URL(url, 'http://x').searchParams);
  assert.equal(back.offset, 100);
  assert.equal(back.order, 'ASC');
  assert.equal(writeListUrl(state('')), '/workflows');
});
