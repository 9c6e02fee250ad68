import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captureIo } from './io.js';
import { renderTable, tableTerminal } from './table.js';
import { clipLine, columnRole, fitColumnWidths, wrapLine } from './table-fit.js';

const HEADERS = ['User', 'Workflow ID', 'Submit Time', 'Status', 'Priority', 'Labels', 'Overview'];
const ROWS = [
  [
    'alice@example.com',
    'quickstart-12',
    'Dec 03, 2026 09:12 UTC',
    'FAILED_CANCELED',
    'NORMAL',
    'team=robotics, project=gr00t',
    'http://127.0.0.1:8000/workflows/quickstart-12',
  ],
];

test('a table that fits is the reference layout, untouched', () => {
  const terminal = { columns: 500, overflow: 'fit' as const, colour: false };
  assert.equal(renderTable(HEADERS, ROWS, { terminal }), renderTable(HEADERS, ROWS));
});

test('at 80 columns every line fits, IDs and statuses stay whole, prose is cut', () => {
  const text = renderTable(HEADERS, ROWS, { terminal: { columns: 80, overflow: 'fit', colour: false } });
  const lines = text.trimEnd().split('\n');
  for (const line of lines) assert.ok(line.length <= 80, `${line.length}: ${line}`);
  assert.match(text, /quickstart-12/);
  assert.match(text, /FAILED_CANCELED/);
  assert.match(text, /…/);
  // Times wrap at spaces rather than being cut.
  assert.match(text, /Dec 03, /);
  assert.match(text, /2026 09:12/);
});

test('wrap mode cuts nothing: prose continues on the next lines', () => {
  const text = renderTable(HEADERS, ROWS, { terminal: { columns: 80, overflow: 'wrap', colour: false } });
  assert.doesNotMatch(text, /…/);
  assert.match(text, /team=r[ ]+http:\/\n.*obotic/);
  for (const line of text.trimEnd().split('\n')) assert.ok(line.length <= 80, line);
});

test('status cells are coloured only when the terminal takes colour, and padding stays outside', () => {
  const plain = renderTable(HEADERS, ROWS, { terminal: { columns: 500, overflow: 'fit', colour: false } });
  const coloured = renderTable(HEADERS, ROWS, { terminal: { columns: 500, overflow: 'fit', colour: true } });
  const esc = '\u001b';
  assert.ok(!plain.includes(esc));
  assert.ok(coloured.includes(`${esc}[31mFAILED_CANCELED${esc}[0m `), coloured);
  assert.equal(coloured.split(`${esc}[31m`).join('').split(`${esc}[0m`).join(''), plain);
});

test('tableTerminal: none when piped; --wide keeps cells whole; --fit-width wraps anyway', () => {
  assert.equal(tableTerminal(captureIo(false)), undefined);
  const io = captureIo(true, { columns: 70 });
  assert.deepEqual(tableTerminal(io), { columns: 70, overflow: 'fit', colour: true });
  io.layout.wide = true;
  assert.equal(tableTerminal(io)?.columns, undefined);
  assert.equal(tableTerminal(io, 'wrap')?.columns, 70);
  assert.equal(tableTerminal(captureIo(true, { colour: false }))?.colour, false);
});

test('fitColumnWidths shrinks prose first, then plain, never keys', () => {
  const roles = ['key', 'plain', 'prose'] as const;
  assert.deepEqual(fitColumnWidths([10, 20, 40], roles, 100), [10, 20, 40]);
  assert.deepEqual(fitColumnWidths([10, 20, 40], roles, 50), [10, 20, 20]);
  assert.deepEqual(fitColumnWidths([10, 20, 40], roles, 30), [10, 14, 6]);
  assert.deepEqual(fitColumnWidths([10, 20, 40], roles, 5), [10, 6, 6]);
});

test('column roles come from headers', () => {
  const cases: ReadonlyArray<[string, string]> = [
    ['Workflow ID', 'key'],
    ['Status', 'key'],
    ['Overview', 'prose'],
    ['Description', 'prose'],
    ['Submit Time', 'plain'],
    ['GPU [#]\nQuota Used', 'plain'],
  ];
  for (const [header, role] of cases) assert.equal(columnRole(header), role, header);
});

test('clipLine and wrapLine', () => {
  assert.equal(clipLine('abcdefgh', 5), 'abcd…');
  assert.equal(clipLine('abc', 5), 'abc');
  assert.deepEqual(wrapLine('Dec 03, 2026 09:12 UTC', 12), ['Dec 03, 2026', '09:12 UTC']);
  assert.deepEqual(wrapLine('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
});
