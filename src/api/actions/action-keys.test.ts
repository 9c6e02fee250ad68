import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AttemptRef } from '../../core/index.js';
import { ActionKeys } from './action-keys.js';
import { shellWords } from './shell-words.js';

const ref: AttemptRef = {
  workflowId: 'wf-1',
  workflowUuid: 'u',
  groupName: 'g',
  groupUuid: 'gu',
  taskName: 't',
  taskUuid: 'tu',
  retryId: 0,
};

test('a key is taken once, by its own user, for its own workflow', () => {
  const keys = new ActionKeys(() => 0, 1000);
  const grant = keys.issue('EXEC', 'alice', ref, { command: ['sh'] });
  assert.match(grant.key, /^EXEC-[0-9a-f]{32}$/);
  assert.equal(keys.take(grant.key, 'bob', 'wf-1'), null);
  assert.equal(keys.take(grant.key, 'alice', 'wf-2'), null);
  assert.deepEqual(keys.take(grant.key, 'alice', 'wf-1')?.payload, { command: ['sh'] });
  assert.equal(keys.take(grant.key, 'alice', 'wf-1'), null);
  assert.equal(keys.take('EXEC-unknown', 'alice', 'wf-1'), null);
});

test('a key expires after its TTL and is then forgotten', () => {
  let now = 0;
  const keys = new ActionKeys(() => now, 1000);
  const early = keys.issue('PORTFORWARD', 'alice', ref, null);
  const late = keys.issue('RSYNC', 'alice', ref, null);
  assert.match(early.key, /^PORTFORWARD-/);
  now = 999;
  assert.notEqual(keys.take(early.key, 'alice', 'wf-1'), null);
  now = 1000;
  assert.equal(keys.take(late.key, 'alice', 'wf-1'), null);
  keys.issue('EXEC', 'alice', ref, null);
  now = 5000;
  assert.equal(keys.outstanding, 0);
});

test('keys differ from each other', () => {
  const keys = new ActionKeys();
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) seen.add(keys.issue('EXEC', 'a', ref, null).key);
  assert.equal(seen.size, 1000);
});

test('entry commands split as a shell splits words', () => {
  assert.deepEqual(shellWords('/bin/bash'), ['/bin/bash']);
  assert.deepEqual(shellWords(`sh -c "echo \\"a b\\"; ls"  'x y'`), ['sh', '-c', 'echo "a b"; ls', 'x y']);
  assert.deepEqual(shellWords('a\\ b "" c'), ['a b', '', 'c']);
  assert.deepEqual(shellWords('  '), []);
  assert.throws(() => shellWords('"open'), /unterminated/);
  assert.throws(() => shellWords('end\\'), /backslash/);
});
