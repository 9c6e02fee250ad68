import { describe, expect, test } from 'vitest';
import { changeEventText } from '../../src/api/contract/workflow-changes-wire.js';
import { sseParser } from './sse.js';
import type { SseEvent } from './sse.js';

function parseAll(chunks: readonly string[]): SseEvent[] {
  const seen: SseEvent[] = [];
  const feed = sseParser((e) => seen.push(e));
  for (const c of chunks) feed(c);
  return seen;
}

describe('the change stream parser', () => {
  test('reads what the service writes, split anywhere', () => {
    const text = `retry: 5000\n\n${changeEventText('ready', { workflow: 'w-1' })}: keep-alive\n\n${changeEventText('changed', { workflow: 'w-1' })}`;
    const whole = parseAll([text]);
    expect(whole).toEqual([
      { event: 'ready', data: '{"workflow":"w-1"}' },
      { event: 'changed', data: '{"workflow":"w-1"}' },
    ]);
    // Every split point gives the same events.
    for (let at = 1; at < text.length; at++) {
      expect(parseAll([text.slice(0, at), text.slice(at)])).toEqual(whole);
    }
  });

  test('CRLF lines, multi-line data, unnamed events; nothing before the blank line', () => {
    expect(parseAll(['data: a\r\ndata: b\r\n\r\n', 'event: x\ndata:c\n'])).toEqual([
      { event: 'message', data: 'a\nb' },
    ]);
  });

  test('an event without data is not dispatched', () => {
    expect(parseAll(['event: changed\n\n'])).toEqual([]);
  });
});
