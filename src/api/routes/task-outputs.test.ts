import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkedOutputPath, encodeContent } from './task-outputs.js';

test('an output path must stay inside the task output directory', () => {
  assert.equal(checkedOutputPath('sub/report.txt'), 'sub/report.txt');
  for (const bad of ['../x', 'a/../../b', '/etc/passwd', 'a//b', './a', 'a/', 'a\\b', 'a\0b']) {
    assert.throws(() => checkedOutputPath(bad), /must be relative to the task's output directory/, bad);
  }
});

test('UTF-8 stays text, a character cut by the bound is left out, other bytes are base64', () => {
  assert.deepEqual(encodeContent(Buffer.from('héllo'), false), { encoding: 'utf-8', content: 'héllo' });
  // 'é' is two bytes: the first of them alone ends a truncated read.
  const cut = Buffer.from('hé').subarray(0, 2);
  assert.deepEqual(encodeContent(cut, true), { encoding: 'utf-8', content: 'h' });
  assert.deepEqual(encodeContent(cut, false), { encoding: 'base64', content: cut.toString('base64') });
  assert.deepEqual(encodeContent(Buffer.from([104, 0, 105]), false), { encoding: 'base64', content: 'aABp' });
});
