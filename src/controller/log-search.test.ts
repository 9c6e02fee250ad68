// The server-side log search: guarded patterns, the time window, context and bounded lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MAX_SEARCH_LINE_CHARS,
  boundedLines,
  compileSearchPattern,
  searchLog,
  type LogSearch,
} from './log-search.js';

async function* from(chunks: readonly string[]): AsyncGenerator<string> {
  for (const c of chunks) yield c;
}
async function collect(it: AsyncIterable<string>): Promise<string> {
  let s = '';
  for await (const c of it) s += c;
  return s;
}
const search = (over: Partial<LogSearch>): LogSearch => ({
  match: null,
  contextLines: 0,
  since: null,
  until: null,
  ...over,
});

const LOG = [
  '2026/01/02 10:00:00 [t] one',
  '2026/01/02 10:00:01 [t] two ERROR',
  '2026/01/02 10:00:02 [t] three',
  '2026/01/02 10:00:03 [t] four',
  '2026/01/02 10:00:04 [t] five',
  '2026/01/02 10:00:05 [t] six ERROR',
  'dump without a time',
  '2026/01/02 10:00:07 [t] seven',
]
  .map((l) => `${l}\n`)
  .join('');

test('matches lines split across chunks', async () => {
  const out = await collect(
    searchLog(from([LOG.slice(0, 37), LOG.slice(37)]), search({ match: compileSearchPattern('ERR') })),
  );
  assert.equal(out, '2026/01/02 10:00:01 [t] two ERROR\n2026/01/02 10:00:05 [t] six ERROR\n');
});

test('context lines and separators as grep prints them', async () => {
  const out = await collect(
    searchLog(from([LOG]), search({ match: compileSearchPattern('ERROR'), contextLines: 1 })),
  );
  assert.equal(
    out,
    [
      '2026/01/02 10:00:00 [t] one',
      '2026/01/02 10:00:01 [t] two ERROR',
      '2026/01/02 10:00:02 [t] three',
      '--',
      '2026/01/02 10:00:04 [t] five',
      '2026/01/02 10:00:05 [t] six ERROR',
      'dump without a time',
      '',
    ].join('\n'),
  );
});

test('the time window uses line times; a dump takes the time before it', async () => {
  const out = await collect(
    searchLog(
      from([LOG]),
      search({ since: new Date('2026-01-02T10:00:04Z'), until: new Date('2026-01-02T10:00:06Z') }),
    ),
  );
  assert.equal(out, '2026/01/02 10:00:04 [t] five\n2026/01/02 10:00:05 [t] six ERROR\ndump without a time\n');
});

test('patterns that backtrack catastrophically in a backtracking engine match in linear time', () => {
  const match = compileSearchPattern('(a+)+$');
  const started = Date.now();
  assert.equal(match(`${'a'.repeat(50_000)}!`), false);
  assert.ok(Date.now() - started < 2000);
});

test('refuses invalid, overlong and unsupported patterns with a user error', () => {
  for (const bad of ['(', 'x'.repeat(600), '(a)\\1', '(?=a)']) {
    assert.throws(
      () => compileSearchPattern(bad),
      (e: Error & { httpStatus?: number }) => e.httpStatus === 400,
    );
  }
});

test('an overlong line is cut, and what follows it is still read', async () => {
  const long = 'x'.repeat(MAX_SEARCH_LINE_CHARS * 2);
  const lines: string[] = [];
  for await (const l of boundedLines(from([long.slice(0, 1000), long.slice(1000), '\nnext\n'])))
    lines.push(l);
  assert.deepEqual(
    lines.map((l) => l.length),
    [MAX_SEARCH_LINE_CHARS, 4],
  );
});
