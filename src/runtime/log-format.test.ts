import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogIoType } from '../core/index.js';
import { formatLogLine, formatLogTime } from './log-format.js';

const at = new Date('2024-05-01T02:03:04.987654Z');

void test('time is UTC with slashes and no fraction', () => {
  assert.equal(formatLogTime(at), '2024/05/01 02:03:04');
});

const cases: ReadonlyArray<[LogIoType, string, number, string | null]> = [
  ['STDOUT', 'hello', 0, '2024/05/01 02:03:04 [train] hello'],
  ['STDERR', 'oops', 2, '2024/05/01 02:03:04 [train retry-2] oops'],
  ['OSMO_CTRL', 'starting', 0, '2024/05/01 02:03:04 [train][osmo] starting'],
  ['DOWNLOAD', 'Downloaded x', 1, '2024/05/01 02:03:04 [train retry-1][osmo] Downloaded x'],
  ['UPLOAD', 'Uploaded y', 0, '2024/05/01 02:03:04 [train][osmo] Uploaded y'],
  ['OSMO_CTRL', '  ', 0, null],
  ['STDOUT', '', 0, '2024/05/01 02:03:04 [train] '],
];
for (const [ioType, text, retry, want] of cases) {
  void test(`${ioType} ${JSON.stringify(text)} retry ${retry}`, () => {
    assert.equal(formatLogLine({ time: at, ioType, text }, 'train', retry), want);
  });
}
