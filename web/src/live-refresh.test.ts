import { describe, expect, test } from 'vitest';
import { SLOW_REFRESH_MS, pollIntervalMs, reconnectDelayMs } from './live-refresh.js';

describe('a live workflow page', () => {
  test('never polls while its change stream is up or opening, slowly while it is down', () => {
    expect(pollIntervalMs(true, 'streaming')).toBeNull();
    expect(pollIntervalMs(true, 'connecting')).toBeNull();
    expect(pollIntervalMs(true, 'polling')).toBe(SLOW_REFRESH_MS);
    expect(pollIntervalMs(false, 'polling')).toBeNull();
  });

  test('reconnects after a doubling pause, capped at a minute', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(reconnectDelayMs)).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000,
    ]);
  });
});
