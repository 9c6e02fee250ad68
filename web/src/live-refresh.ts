// How a live workflow page learns of changes: the service pushes them over a server-sent event stream
// (GET /api/workflow/<id>/changes), and the page reads the workflow again only when told. If the stream
// drops, the page polls slowly while it reconnects with a growing pause, so a page left open for an hour
// costs one idle connection, or at worst a read every SLOW_REFRESH_MS.

export const SLOW_REFRESH_MS = 15_000;
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60_000;

/** The pause before the `failures`-th reconnect in a row (1 first): doubling from a second to a minute. */
export function reconnectDelayMs(failures: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
}

/** What the page does while the workflow is live: wait for pushes, or poll because the stream is down. */
export type LiveMode = 'streaming' | 'connecting' | 'polling';

/** How often the page polls in each mode: never while the stream is up or being opened. */
export function pollIntervalMs(live: boolean, mode: LiveMode): number | null {
  return live && mode === 'polling' ? SLOW_REFRESH_MS : null;
}
