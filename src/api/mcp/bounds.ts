// Keeps every MCP tool answer small enough for an agent's context, and says so when it cut something.

/** The most characters one tool answer carries; more is cut with a marker saying how to narrow it. */
export const MAX_RESULT_CHARS = 60_000;

/** Cuts text to `max` characters, marking what was left out so the agent never mistakes a part for the whole. */
export function boundText(text: string, max = MAX_RESULT_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n[truncated: ${text.length - max} more characters; narrow the request]`;
}

/** The last `n` lines of a text, with a first line saying how many came before. */
export function tailLines(text: string, n: number): string {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length <= n) return lines.map((l) => `${l}\n`).join('');
  const kept = lines.slice(-n);
  return `[truncated: ${lines.length - n} earlier lines not shown]\n${kept.map((l) => `${l}\n`).join('')}`;
}

/** One page of a list, with what an agent needs to ask for the next one. */
export function page<T>(
  items: readonly T[],
  offset: number,
  limit: number,
): { items: T[]; offset: number; total: number; truncated: boolean; next_offset: number | null } {
  const items_ = items.slice(offset, offset + limit);
  const end = offset + items_.length;
  const more = end < items.length;
  return { items: items_, offset, total: items.length, truncated: more, next_offset: more ? end : null };
}
