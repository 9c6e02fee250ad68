// The log view's line keeping, pure: chunks of streamed text into lines, and a bounded store of them.

/** Lines kept in memory; older ones drop off the top, as upstream's viewer does. */
export const MAX_LINES = 100_000;

// Colour codes from task output would show as noise.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * The complete lines of `partial + chunk`, colour codes stripped, and the unfinished rest. A code split
 * between chunks is stripped too: the rest is only cleaned once its line is complete.
 */
export function splitChunk(partial: string, chunk: string): { lines: string[]; partial: string } {
  const parts = (partial + chunk).split('\n');
  const rest = parts.pop() ?? '';
  return { lines: parts.map((l) => l.replace(ANSI, '').replace(/\r$/, '')), partial: rest };
}

/** Appends in place and drops the oldest lines past `max`. */
export function appendLines(into: string[], batch: readonly string[], max: number = MAX_LINES): void {
  if (batch.length >= max) {
    into.length = 0;
    into.push(...batch.slice(batch.length - max));
    return;
  }
  const over = into.length + batch.length - max;
  if (over > 0) into.splice(0, over);
  for (const line of batch) into.push(line);
}
