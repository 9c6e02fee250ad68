// SQL that sets a time column only while it is still null, so the first recorded time wins.
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import { writeTime } from './codec.js';

export function fillOnce(column: string, at: Date): RawBuilder<string> {
  return sql<string>`coalesce(${sql.ref(column)}, ${writeTime(at)})`;
}

/** The update object for every provided time field, each filled only once. */
export function fillTimes(
  times: ReadonlyArray<readonly [column: string, at: Date | undefined]>,
): Record<string, RawBuilder<string>> {
  const set: Record<string, RawBuilder<string>> = {};
  for (const [column, at] of times) if (at !== undefined) set[column] = fillOnce(column, at);
  return set;
}
