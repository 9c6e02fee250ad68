import { describe, expect, test } from 'vitest';
import { appendLines, splitChunk } from './log-lines.js';

describe('the log view’s lines', () => {
  test('chunks split anywhere give the same lines, colour codes and CRs stripped', () => {
    const text = '2026/01/01 00:00:00 [t] \x1b[31mred\x1b[0m\r\nsecond\nthird';
    for (let at = 0; at <= text.length; at++) {
      const first = splitChunk('', text.slice(0, at));
      const second = splitChunk(first.partial, text.slice(at));
      expect([...first.lines, ...second.lines]).toEqual(['2026/01/01 00:00:00 [t] red', 'second']);
      expect(second.partial).toBe('third');
    }
  });

  test('at most the newest `max` lines are kept, appended in place', () => {
    const kept: string[] = [];
    const same = kept;
    appendLines(kept, ['a', 'b', 'c'], 4);
    appendLines(kept, ['d', 'e'], 4);
    expect(kept).toEqual(['b', 'c', 'd', 'e']);
    appendLines(kept, ['1', '2', '3', '4', '5'], 4);
    expect(kept).toEqual(['2', '3', '4', '5']);
    expect(kept).toBe(same);
  });

  test('100,000 lines append in well under a second', () => {
    const kept: string[] = [];
    const start = performance.now();
    for (let batch = 0; batch < 100; batch++) {
      appendLines(
        kept,
        Array.from({ length: 1000 }, (_, i) => `line ${batch * 1000 + i}`),
      );
    }
    expect(kept).toHaveLength(100_000);
    expect(kept.at(-1)).toBe('line 99999');
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
