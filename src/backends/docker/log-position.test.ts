import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogPosition, splitTimestamp, stampNanos } from './log-position.js';

test('engine stamps parse to nanoseconds whatever their fraction and zone', () => {
  assert.equal(stampNanos('1970-01-01T00:00:01Z'), 1_000_000_000n);
  assert.equal(stampNanos('1970-01-01T00:00:01.5Z'), 1_500_000_000n);
  assert.equal(stampNanos('1970-01-01T00:00:01.000000007Z'), 1_000_000_007n);
  assert.equal(stampNanos('1970-01-01T01:00:01.25+01:00'), 1_250_000_000n);
  assert.equal(stampNanos('yesterday'), null);
});

test('a frame splits into its stamp and what the task wrote, spaces and all', () => {
  const frame = splitTimestamp(Buffer.from('2026-12-04T18:31:34.123456789Z  two spaces\n'));
  assert.equal(frame?.data.toString(), ' two spaces\n');
  assert.equal(frame?.at, stampNanos('2026-12-04T18:31:34.123456789Z'));
  assert.equal(splitTimestamp(Buffer.from('no stamp here\n')), null);
});

test('a second read from the last whole second yields only the frames the first did not', () => {
  const position = new LogPosition();
  const stamps = [1_000_000_000n, 1_200_000_000n, 1_200_000_000n, 1_700_000_000n, 1_700_000_000n];
  const first = position.skipper();
  // The followed stream ended after the first four frames (the fifth shares the fourth's stamp).
  assert.deepEqual(stamps.slice(0, 4).map(first), [false, false, false, false]);
  assert.equal(position.sinceSeconds(), 1);
  const second = position.skipper();
  const replayed = [...stamps, 2_000_000_000n];
  assert.deepEqual(replayed.map(second), [true, true, true, true, false, false]);
  assert.equal(position.sinceSeconds(), 2);
});

test('a read before any frame asks for the whole log', () => {
  assert.equal(new LogPosition().sinceSeconds(), null);
});
