import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandEnvReferences, expandEnvReferencesIn } from './env-expansion.js';

const env = { A: 'alpha', B: 'beta', EMPTY: '', 'A$(B': 'odd name' };

// The cases follow Kubernetes' rules for container command and args.
const cases: ReadonlyArray<readonly [string, string, string]> = [
  ['a defined reference is its value', '$(A)', 'alpha'],
  ['references inside text', '___$(A)___$(B)', '___alpha___beta'],
  ['adjacent references', '$(A)$(B)', 'alphabeta'],
  ['a defined empty value', '[$(EMPTY)]', '[]'],
  ['an undefined reference stays as written', '$(UNDEFINED)', '$(UNDEFINED)'],
  ['an undefined reference beside a defined one', '$(UNDEFINED)-$(A)', '$(UNDEFINED)-alpha'],
  ['an empty name stays as written', '$()', '$()'],
  ['a prototype key is not a variable', '$(constructor)', '$(constructor)'],
  ['`$$(NAME)` is the literal reference', '$$(A)', '$(A)'],
  ['`$$` before other text is one `$`', '$$A', '$A'],
  ['`$$` alone is one `$`', '$$', '$'],
  ['`$$$(NAME)` is `$` then the value', '$$$(A)', '$alpha'],
  ['an even run of `$` before an undefined reference', '$$$$$$(UNDEFINED)', '$$$(UNDEFINED)'],
  ['an odd run of `$` before an undefined reference', '$$$$$$$(UNDEFINED)', '$$$$(UNDEFINED)'],
  ['three `$` alone: one pair, then a trailing `$`', '$$$', '$$'],
  ['a lone `$` before a name is kept', '$A', '$A'],
  ['a shell-style `${A}` is kept', '${A}', '${A}'],
  ['a lone `$` at the end is kept', 'cost: 5$', 'cost: 5$'],
  ['a lone `$` alone is kept', '$', '$'],
  ['`$)` is kept', '$)', '$)'],
  ['an unterminated reference is kept', '$(A', '$(A'],
  ['`$(` alone is kept', '$(', '$('],
  ['a trailing unterminated reference after an expanded one', '$(B)___$(A', 'beta___$(A'],
  ['`$$` after an unterminated reference is still one `$`', '$(A $$', '$(A $'],
  ['a reference ends at its first `)`', '$(A))', 'alpha)'],
  ['nested references do not nest: the name runs to the first `)`', '$(A$(B))', 'odd name)'],
  ['a nested reference with no such name stays as written', '$(B$(A))', '$(B$(A))'],
  ['an unbalanced nested reference with no such name stays as written', '$(B$(A)', '$(B$(A)'],
  ['text without `$` is unchanged', 'plain (text)', 'plain (text)'],
  ['a value is not expanded again', '$(C)', '$(A)'],
];

const envWithReference = { ...env, C: '$(A)' };
for (const [name, input, want] of cases) {
  test(`expandEnvReferences: ${name}`, () => {
    assert.equal(expandEnvReferences(input, envWithReference), want);
  });
}

test('expandEnvReferencesIn expands every element against the same environment', () => {
  assert.deepEqual(expandEnvReferencesIn(['echo', '$(A)', '$$(A)', '$(NONE)'], env), [
    'echo',
    'alpha',
    '$(A)',
    '$(NONE)',
  ]);
});
