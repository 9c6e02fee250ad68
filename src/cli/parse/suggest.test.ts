import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestName, editDistance, suggestionText } from './suggest.js';

const COMMANDS = ['login', 'logout', 'workflow', 'task', 'pool', 'profile', 'dataset', 'data'];
const cases: ReadonlyArray<[string, string | undefined]> = [
  ['workfow', 'workflow'],
  ['wrokflow', 'workflow'],
  ['lgoin', 'login'],
  ['pol', 'pool'],
  ['datset', 'dataset'],
  ['zzz', undefined],
  ['kubernetes', undefined],
];
for (const [typed, want] of cases) {
  test(`closestName(${typed})`, () => assert.equal(closestName(typed, COMMANDS), want));
}

test('flags: a typo in the head of a long flag finds it', () => {
  const flags = ['--format-type', '--pool', '--priority', '--help'];
  assert.equal(closestName('--formt', flags), '--format-type');
  assert.equal(closestName('--prority', flags), '--priority');
  assert.equal(closestName('--nothing-like-it', flags), undefined);
});

test('editDistance counts a swap as one edit', () => {
  assert.equal(editDistance('ab', 'ba'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(suggestionText('wrokflow', COMMANDS), ", maybe you meant 'workflow'?");
  assert.equal(suggestionText('zzz', COMMANDS), '');
});
