import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  encodeResize,
  encodeTerminalSize,
  exitCloseReason,
  isInteractiveShell,
  parseClientMessage,
  parseExitClose,
  parseTerminalSize,
} from './exec-protocol.js';

test('the terminal size and resize frames are the JSON and prefix upstream sends', () => {
  assert.equal(new TextDecoder().decode(encodeTerminalSize({ rows: 24, cols: 80 })), '{"Rows":24,"Cols":80}');
  const resize = encodeResize({ rows: 30, cols: 100 });
  assert.equal(new TextDecoder().decode(resize), '\u0000RESIZE:{"Rows":30,"Cols":100}');
  assert.deepEqual(parseClientMessage(resize), { kind: 'resize', size: { rows: 30, cols: 100 } });
  const keys = new TextEncoder().encode('ls\r');
  assert.deepEqual(parseClientMessage(keys), { kind: 'input', bytes: keys });
  // A broken resize is passed on as the bytes it is rather than dropped.
  assert.equal(parseClientMessage(new TextEncoder().encode('\u0000RESIZE:{bad')).kind, 'input');
});

test('sizes must be positive integers', () => {
  assert.deepEqual(parseTerminalSize('{"Rows": 1, "Cols": 2}'), { rows: 1, cols: 2 });
  for (const bad of [
    '{"Rows":0,"Cols":2}',
    '{"Rows":1.5,"Cols":2}',
    '[]',
    'null',
    'x',
    '{"Rows":"1","Cols":2}',
  ])
    assert.equal(parseTerminalSize(bad), null, bad);
});

test('the exit close carries the status; other closes carry none', () => {
  assert.equal(parseExitClose(1000, exitCloseReason(7)), 7);
  assert.equal(parseExitClose(1000, exitCloseReason(null)), 'unknown');
  assert.equal(parseExitClose(1011, 'exit 7'), null);
  assert.equal(parseExitClose(1000, ''), null);
});

test('group exec refuses the shells upstream lists', () => {
  for (const entry of ['/bin/bash', 'sh', 'zsh', '/usr/bin/fish '])
    assert.ok(isInteractiveShell(entry), entry);
  for (const entry of ['ls', 'sh -c "ls"', 'nvidia-smi']) assert.ok(!isInteractiveShell(entry), entry);
});
