// Durations for timeouts and checkpoint frequency: seconds, `<int><unit>` or limited ISO 8601.

import { usageError } from '../core/errors.js';

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  d: 86400,
  h: 3600,
  m: 60,
  s: 1,
  ms: 0.001,
  us: 0.000001,
};
const SIMPLE_PATTERN = /^(\d+)(d|h|m|s|ms|us)$/;
const ISO_PATTERN = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

const unrecognised = (value: string): Error =>
  usageError(
    `Cannot recognize duration: ${value}. Only support ISO 8601 (e.g. PT10S) or xd, xh, xm, xs, xms, xus`,
  );

/** Parses a duration into seconds. Numbers are seconds; strings need exactly one unit. Throws OsmoError(USAGE). */
export function parseDurationSeconds(text: string | number): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) throw unrecognised(String(text));
    return text;
  }
  const simple = SIMPLE_PATTERN.exec(text);
  if (simple !== null) return Number(simple[1]) * (UNIT_SECONDS[simple[2] ?? ''] ?? 0);
  const iso = ISO_PATTERN.exec(text);
  // `P` and `PT` alone have no component, which ISO forbids.
  if (iso === null || text === 'P' || text.endsWith('T')) throw unrecognised(text);
  const [, days, hours, minutes, seconds] = iso;
  return (
    Number(days ?? 0) * 86400 + Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0)
  );
}

/** The single-unit form we store (multi-unit strings would not re-parse). */
export function formatDurationSeconds(seconds: number): string {
  if (Number.isInteger(seconds)) {
    if (seconds !== 0 && seconds % 86400 === 0) return `${seconds / 86400}d`;
    if (seconds !== 0 && seconds % 3600 === 0) return `${seconds / 3600}h`;
    if (seconds !== 0 && seconds % 60 === 0) return `${seconds / 60}m`;
    return `${seconds}s`;
  }
  return `${Math.round(seconds * 1000)}ms`;
}
