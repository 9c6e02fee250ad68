// Template failures name the line of the user's file and the problem, never a Python class or engine token name.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsmoError } from '../core/errors.js';
import { renderWorkflowText } from './index.js';

const HEAD = 'workflow:\n  name: x\n';

const cases: ReadonlyArray<readonly [string, string, string]> = [
  [
    'two names in one expression',
    `${HEAD}  a: {{ a b }}\n`,
    'syntax error on line 3: Expected closing expression token, found a name',
  ],
  ['a stray character', `${HEAD}  a: 1\n  b: {{ @ }}\n`, 'syntax error on line 4: Unexpected character: @'],
  [
    'a colon in an expression',
    `${HEAD}  a: {{ input: 0 }}\n`,
    "syntax error on line 3: Expected closing expression token, found ':'",
  ],
  [
    'a for block never closed',
    `${HEAD}  a: {% for x in y %}\n  b: {{ x }}\n`,
    'syntax error on line 3: the "for" block opened here is never closed with {% endfor %}',
  ],
  [
    'an unknown statement',
    `${HEAD}  a: {% frobnicate %}\n`,
    'syntax error on line 3: Unknown statement type: frobnicate',
  ],
  [
    'bash array length',
    `${HEAD}  a: echo \${#arr[@]}\n`,
    'syntax error on line 3: Missing end of comment tag',
  ],
  // default-values come first: lines still count from the top of the file.
  [
    'after default-values',
    `default-values:\n  n: 1\n${HEAD}  a: {{ n }}\n  b: {{ m }}\n`,
    "line 6: 'm' is undefined",
  ],
  // A raw block spanning lines keeps the lines after it where they are.
  [
    'after a raw block',
    `${HEAD}  a: |\n    {% raw %}\n    {{ x }}\n    {% endraw %}\n  b: {{ y }}\n`,
    "line 7: 'y' is undefined",
  ],
  ['an unsafe attribute', `${HEAD}  a: {{ v.__class__ }}\n`, "line 3: 'v' is undefined"],
];

for (const [what, text, detail] of cases) {
  void test(`template failure: ${what}`, () => {
    assert.throws(
      () => renderWorkflowText(text, { set: [], setString: [] }),
      (err: unknown) => {
        assert.ok(err instanceof OsmoError);
        assert.equal(err.code, 'USAGE');
        assert.equal(err.message, `Jinja substitution failure: ${detail}`);
        return true;
      },
    );
  });
}
