import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { renderTable } from './table.js';
import { toPythonJson } from './json.js';
import { formatDisplayTime, localMidnightAsUtc } from './time.js';
import { renderErrorBlock } from './error-block.js';
import { OsmoError } from '../../core/index.js';

describe('renderTable', () => {
  test('matches the workflow list example byte for byte', () => {
    const rows = [
      [
        'user@example.com',
        'eval-rerun-3',
        'May 04, 2026 22:00 UTC',
        'COMPLETED',
        'NORMAL',
        '-',
        'https://osmo.example.com/workflows/eval-rerun-3',
      ],
      [
        'user@example.com',
        'gr00t-train-1',
        'May 05, 2026 18:00 UTC',
        'RUNNING',
        'NORMAL',
        'project=gr00t, team=a',
        'https://osmo.example.com/workflows/gr00t-train-1',
      ],
    ];
    const expected = [
      'User               Workflow ID     Submit Time              Status      Priority   Labels                  Overview                                        ',
      '===========================================================================================================================================================',
      'user@example.com   eval-rerun-3    May 04, 2026 22:00 UTC   COMPLETED   NORMAL     -                       https://osmo.example.com/workflows/eval-rerun-3 ',
      'user@example.com   gr00t-train-1   May 05, 2026 18:00 UTC   RUNNING     NORMAL     project=gr00t, team=a   https://osmo.example.com/workflows/gr00t-train-1',
      '',
    ].join('\n');
    assert.equal(
      renderTable(['User', 'Workflow ID', 'Submit Time', 'Status', 'Priority', 'Labels', 'Overview'], rows),
      expected,
    );
  });

  test('sum row is preceded by a second rule and counts for widths', () => {
    const text = renderTable(['a', 'gpu'], [['x', 1]], { sumRow: ['', 12345] });
    assert.equal(text, 'a   gpu  \n=========\nx   1    \n=========\n    12345\n');
  });

  test('text cells print None and True verbatim; auto cells re-format numbers', () => {
    assert.equal(renderTable(['v'], [[null], [true]]), 'v   \n====\nNone\nTrue\n');
    assert.equal(
      renderTable(['v'], [['0012'], ['1.5'], [123456789012]], { autoTyped: true }),
      'v        \n=========\n12       \n1.500    \n1.235e+11\n',
    );
  });
});

describe('toPythonJson', () => {
  const value = { name: 'wf-1', list: [1, 'é'], empty: [], none: null, nested: { ok: true } };
  test('indent 2 with Python separators and ASCII escapes', () => {
    assert.equal(
      toPythonJson(value, 2),
      '{\n  "name": "wf-1",\n  "list": [\n    1,\n    "\\u00e9"\n  ],\n  "empty": [],\n  "none": null,\n  "nested": {\n    "ok": true\n  }\n}',
    );
  });
  test('single line uses ", " and ": "', () => {
    assert.equal(toPythonJson({ token: 'a', n: [1, 2] }, 0), '{"token": "a", "n": [1, 2]}');
  });
  test('astral characters become surrogate pairs', () => {
    assert.equal(toPythonJson('😀', 0), '"\\ud83d\\ude00"');
  });
});

describe('time formats', () => {
  const cases: ReadonlyArray<[string, string, string]> = [
    ['2026-05-05T18:00:00.000000', 'UTC', 'May 05, 2026 18:00 UTC'],
    ['2026-05-05 18:00', 'UTC', 'May 05, 2026 18:00 UTC'],
    ['2026-05-05T18:00:00', 'America/Los_Angeles', 'May 05, 2026 11:00 PDT'],
  ];
  for (const [input, zone, want] of cases) {
    test(`${input} in ${zone}`, () => assert.equal(formatDisplayTime(input, zone), want));
  }
  test('unparseable input is a user error', () => {
    assert.throws(
      () => formatDisplayTime('yesterday'),
      (e: unknown) => e instanceof OsmoError && e.message === 'Invalid time format: yesterday',
    );
  });
  test('date filters are local midnight sent as naive UTC', () => {
    const local = new Date(2026, 4, 5);
    assert.equal(localMidnightAsUtc('2026-05-05'), local.toISOString().slice(0, 19));
    assert.throws(() => localMidnightAsUtc('2026-13-01'), /Invalid date format: 2026-13-01/);
  });
});

test('error block as text and JSON', () => {
  assert.equal(renderErrorBlock('boom', 400, false), 'Error message: boom\nError code: 400\n');
  assert.equal(renderErrorBlock('boom', 1, true), '{\n  "message": "boom",\n  "code": 1\n}\n');
});
