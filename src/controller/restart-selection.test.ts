import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GroupStatus } from '../core/index.js';
import type { GroupSpec } from '../spec/index.js';
import { groupsToRerun, PLAIN_RESTART } from './restart-selection.js';

const group = (name: string, ...upstreamGroups: string[]): GroupSpec => ({
  name,
  tasks: [],
  barrier: true,
  ignoreNonleadStatus: true,
  upstreamGroups,
});

// a → b → c, and d on its own.
const groups = [group('a'), group('b', 'a'), group('c', 'b'), group('d')];
const statuses = (entries: Record<string, GroupStatus>) => new Map(Object.entries(entries));
const failedMiddle = statuses({ a: 'COMPLETED', b: 'FAILED', c: 'FAILED_UPSTREAM', d: 'COMPLETED' });
const sorted = (s: Set<string>) => [...s].sort();

test('a plain restart and --failed-only re-run exactly the groups that did not complete', () => {
  assert.deepEqual(sorted(groupsToRerun('w-1', groups, failedMiddle, PLAIN_RESTART)), ['b', 'c']);
  assert.deepEqual(sorted(groupsToRerun('w-1', groups, failedMiddle, { groups: [], failedOnly: true })), [
    'b',
    'c',
  ]);
});

test('a named group brings everything downstream of it, completed or not, and nothing else', () => {
  assert.deepEqual(sorted(groupsToRerun('w-1', groups, failedMiddle, { groups: ['a'], failedOnly: false })), [
    'a',
    'b',
    'c',
  ]);
  assert.deepEqual(sorted(groupsToRerun('w-1', groups, failedMiddle, { groups: ['d'], failedOnly: false })), [
    'd',
  ]);
  assert.deepEqual(sorted(groupsToRerun('w-1', groups, failedMiddle, { groups: ['d'], failedOnly: true })), [
    'b',
    'c',
    'd',
  ]);
});

test('a group whose upstream did not complete and is not re-run is refused with what to add', () => {
  assert.throws(
    () => groupsToRerun('w-1', groups, failedMiddle, { groups: ['c'], failedOnly: false }),
    /Group "c" reads the outputs of "b", which did not complete in workflow w-1; name that group with --group too/,
  );
});

test('an unknown group is refused with the groups there are', () => {
  assert.throws(
    () => groupsToRerun('w-1', groups, failedMiddle, { groups: ['zz'], failedOnly: false }),
    /Workflow w-1 has no group "zz"; its groups are "a", "b", "c", "d"\./,
  );
});

test('nothing to run again is refused', () => {
  const allDone = statuses({ a: 'COMPLETED', b: 'COMPLETED', c: 'COMPLETED', d: 'COMPLETED' });
  assert.throws(() => groupsToRerun('w-1', groups, allDone, PLAIN_RESTART), /has no group to run again/);
});
