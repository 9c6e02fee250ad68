// When a failed delivery is tried again: exponential backoff with jitter, capped, for a bounded time.

/** Attempts before a delivery is given up: some 30 to 40 minutes of retries with the delays below. */
export const MAX_DELIVERY_ATTEMPTS = 12;
const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 15 * 60_000;

/**
 * The wait after the `attempts`-th failed attempt (1-based): 1 s, 2 s, 4 s ... up to 15 min, each
 * stretched by up to a quarter so many receivers that failed at once do not all come back at once.
 */
export function retryDelayMs(attempts: number, random: number): number {
  const exponential = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential * (1 + 0.25 * Math.min(1, Math.max(0, random))));
}
