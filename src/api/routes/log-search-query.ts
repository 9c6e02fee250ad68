// The query parameters of a log search (`search`, `context`, `since`, `until`) and their parsing into a LogSearch.
import { z } from 'zod';
import { userError } from '../../core/index.js';
import {
  MAX_SEARCH_CONTEXT_LINES,
  compileSearchPattern,
  type LogSearch,
} from '../../controller/log-search.js';

export const SEARCH_QUERY = {
  search: z.string().optional(),
  context: z.coerce.number().int().min(0).max(MAX_SEARCH_CONTEXT_LINES).optional(),
  since: z.string().optional(),
  until: z.string().optional(),
};

interface SearchParams {
  readonly search?: string | undefined;
  readonly context?: number | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
}

/** Null when none of the search parameters is given: the log is served exactly as upstream serves it. */
export function toLogSearch(query: SearchParams): LogSearch | null {
  if (query.search === undefined && query.since === undefined && query.until === undefined) {
    if (query.context !== undefined) throw userError('context needs a search pattern.');
    return null;
  }
  return {
    match: query.search === undefined ? null : compileSearchPattern(query.search),
    contextLines: query.context ?? 0,
    since: query.since === undefined ? null : toTime('since', query.since),
    until: query.until === undefined ? null : toTime('until', query.until),
  };
}

/** A bare date or an ISO time, UTC unless it names its zone; a user error names the parameter. */
export function toTime(name: string, text: string): Date {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? `${text}T00:00:00Z`
    : /[zZ]|[+-]\d{2}:?\d{2}$/.test(text)
      ? text
      : `${text}Z`;
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) throw userError(`${name} is not a date or time: ${text}`);
  return time;
}
