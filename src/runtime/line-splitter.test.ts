import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, MAX_LINE_BYTES, createSecretMasker } from './line-splitter.js';

void test('lines split at newlines across chunks; CRLF trimmed; last partial line on end()', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push(Buffer.from('a\nb')), ['a']);
  assert.deepEqual(s.push(Buffer.from('c\r\n\nd')), ['bc', '']);
  assert.deepEqual(s.end(), ['d']);
  assert.deepEqual(s.end(), []);
});

void test('a line longer than 32 KiB is split into 32 KiB pieces', () => {
  const s = new LineSplitter();
  const lines = s.push(Buffer.from('x'.repeat(MAX_LINE_BYTES * 2 + 5) + '\n'));
  assert.deepEqual(
    lines.map((l) => l.length),
    [MAX_LINE_BYTES, MAX_LINE_BYTES, 5],
  );
});

void test('splitting never cuts a multi-byte character', () => {
  const s = new LineSplitter(8);
  const lines = [...s.push(Buffer.from('abcdefgé€z')), ...s.end()];
  assert.equal(lines.join(''), 'abcdefgé€z');
  for (const l of lines) assert.ok(!l.includes('\ufffd'), l);
});

void test('secrets are masked, longest first; no secrets leaves text alone', () => {
  const mask = createSecretMasker(['password123', 'password123456', '']);
  assert.equal(mask('p=password123456 q=password123'), 'p=[MASKED] q=[MASKED]');
  assert.equal(createSecretMasker([])('password123'), 'password123');
});
