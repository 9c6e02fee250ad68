// Searches a log stream server-side, line by line: a guarded user pattern, a time window and grep-like context.
import { RE2JS } from 're2js';
import { userError } from '../core/index.js';

/** Longest pattern accepted: a search term, not a program. */
export const MAX_SEARCH_PATTERN_CHARS = 512;
/** Most lines of context asked for on each side of a match. */
export const MAX_SEARCH_CONTEXT_LINES = 100;
/**
 * A line is matched on (and printed as) its first this many characters: with a linear-time engine
 * this bounds the time per line, and a line without a newline never grows the buffer past it.
 */
export const MAX_SEARCH_LINE_CHARS = 64 * 1024;

export type LinePredicate = (line: string) => boolean;

/**
 * Compiles a user pattern with RE2 semantics (no backreferences, no lookaround), which matches in
 * time linear in the line: no pattern can backtrack catastrophically. Refusals are user errors (400).
 */
export function compileSearchPattern(text: string): LinePredicate {
  if (text.length === 0) throw userError('The search pattern is empty.');
  if (text.length > MAX_SEARCH_PATTERN_CHARS) {
    throw userError(`The search pattern is longer than ${MAX_SEARCH_PATTERN_CHARS} characters.`);
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(text);
  } catch (err) {
    throw userError(`Invalid search pattern ${JSON.stringify(text)}: ${(err as Error).message}`);
  }
  return (line) => re.matcher(line).find();
}

export interface LogSearch {
  /** Null: every line in the window matches. */
  readonly match: LinePredicate | null;
  readonly contextLines: number;
  readonly since: Date | null;
  readonly until: Date | null;
}

const LINE_TIME = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) /;

/** The UTC time a served log line starts with (`YYYY/MM/DD HH:MM:SS `), or null. */
export function lineTime(line: string): number | null {
  const m = LINE_TIME.exec(line);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/** Splits a chunk stream into lines, each cut to MAX_SEARCH_LINE_CHARS; memory stays bounded by one line. */
export async function* boundedLines(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let partial = '';
  let skipping = false;
  for await (const chunk of chunks) {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); ; nl = chunk.indexOf('\n', start)) {
      const piece = nl === -1 ? chunk.slice(start) : chunk.slice(start, nl);
      if (!skipping) {
        partial += piece.slice(0, MAX_SEARCH_LINE_CHARS - partial.length);
        // The rest of an overlong line is dropped up to its newline.
        if (partial.length >= MAX_SEARCH_LINE_CHARS && nl === -1) skipping = true;
      }
      if (nl === -1) break;
      yield partial;
      partial = '';
      skipping = false;
      start = nl + 1;
    }
  }
  if (partial !== '') yield partial;
}

/**
 * The matching lines of a log (each ending in a newline), with up to `contextLines` lines either
 * side, and (with context) `--` between groups that are not adjacent, as grep prints them. Lines without a time
 * (dumps) take the time of the line before them for the window.
 */
export async function* searchLog(chunks: AsyncIterable<string>, search: LogSearch): AsyncGenerator<string> {
  const since = search.since?.getTime() ?? null;
  const until = search.until?.getTime() ?? null;
  const before: string[] = [];
  let after = 0;
  let lastTime: number | null = null;
  let lineNo = 0;
  let lastPrinted = -1;
  for await (const line of boundedLines(chunks)) {
    lastTime = lineTime(line) ?? lastTime;
    const inWindow =
      (since === null && until === null) ||
      (lastTime !== null && (since === null || lastTime >= since) && (until === null || lastTime <= until));
    if (!inWindow) continue;
    lineNo += 1;
    if (search.match === null || search.match(line)) {
      const first = lineNo - before.length;
      const out = before.splice(0).concat(line);
      const separator =
        search.contextLines > 0 && lastPrinted !== -1 && first > lastPrinted + 1 ? '--\n' : '';
      yield separator + out.map((l) => `${l}\n`).join('');
      lastPrinted = lineNo;
      after = search.contextLines;
    } else if (after > 0) {
      after -= 1;
      lastPrinted = lineNo;
      yield `${line}\n`;
    } else if (search.contextLines > 0) {
      before.push(line);
      if (before.length > search.contextLines) before.shift();
    }
  }
}
