// Time display and date filters: naive UTC from the server, local time on screen.
import { userError } from '../../core/index.js';

const SERVER_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses a naive UTC timestamp; throws `Invalid time format: <value>` otherwise. */
export function parseServerTime(value: string): Date {
  const m = SERVER_TIME.exec(value);
  if (m === null) throw userError(`Invalid time format: ${value}`);
  const [, y, mo, d, h, mi, s] = m;
  return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)));
}

/** `%b %d, %Y %H:%M %Z` in the given zone (default: this machine's), e.g. `May 05, 2026 18:00 UTC`. */
export function formatDisplayTime(value: string, timeZone?: string): string {
  const date = parseServerTime(value);
  const parts = new Intl.DateTimeFormat('en-US', {
    ...(timeZone === undefined ? {} : { timeZone }),
    month: 'short',
    day: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('month')} ${get('day')}, ${get('year')} ${get('hour')}:${get('minute')} ${get('timeZoneName')}`;
}

/** Display time, or `-` when the server sent none. */
export function displayTimeOrDash(value: unknown, timeZone?: string): string {
  return typeof value === 'string' && value !== '' ? formatDisplayTime(value, timeZone) : '-';
}

/** A `YYYY-MM-DD` filter taken as local midnight, sent as UTC `YYYY-MM-DDTHH:MM:SS`. */
export function localMidnightAsUtc(value: string): string {
  const m = DATE_ONLY.exec(value);
  const date = m === null ? null : new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (
    date === null ||
    Number.isNaN(date.getTime()) ||
    date.getDate() !== Number(m?.[3]) ||
    date.getMonth() !== Number(m?.[2]) - 1
  ) {
    throw userError(`Invalid date format: ${value}`);
  }
  return date.toISOString().slice(0, 19);
}
