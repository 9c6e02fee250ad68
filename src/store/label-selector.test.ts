// Label selector parsing: presence, wildcards, alternatives, limits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsmoError } from '../core/index.js';
import { parseLabelSelectors } from './label-selector.js';

const cases: ReadonlyArray<[string, unknown]> = [
  ['team=*', { kind: 'present', key: 'team' }],
  ['team=ml', { kind: 'match', key: 'team', patterns: [['ml']] }],
  ['env=prod-*', { kind: 'match', key: 'env', patterns: [['prod-', '']] }],
  ['env=(a|b)-(1|2)', { kind: 'match', key: 'env', patterns: [['a-1'], ['a-2'], ['b-1'], ['b-2']] }],
  ['k=a=b', { kind: 'match', key: 'k', patterns: [['a=b']] }],
  ['k=', { kind: 'match', key: 'k', patterns: [['']] }],
];
for (const [selector, want] of cases) {
  void test(`parses ${selector}`, () => assert.deepEqual(parseLabelSelectors([selector]), [want]));
}

const bad: readonly (readonly string[])[] = [
  ['=v'],
  ['novalue'],
  ['k=(a|b'],
  ['k=((a))'],
  ['k=(a|b)(c|d)(e|f)(g|h)(i|j)(k|l)'],
  ['a=' + 'x'.repeat(4096)],
  Array.from({ length: 17 }, (_, i) => `k${i}=(a|b)`),
];
for (const selectors of bad) {
  void test(`rejects ${selectors.join(',').slice(0, 40)}`, () =>
    assert.throws(
      () => parseLabelSelectors(selectors),
      (e: unknown) => e instanceof OsmoError && e.code === 'USAGE',
    ));
}
