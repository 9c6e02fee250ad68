// The user-facing log line format shared by every reader of task logs.
import type { LogIoType } from '../core/index.js';

export interface FormattableLogRecord {
  readonly time: Date;
  readonly ioType: LogIoType;
  readonly text: string;
}

const OSMO_TYPES = new Set<LogIoType>(['OSMO_CTRL', 'DOWNLOAD', 'UPLOAD']);

/** `YYYY/MM/DD HH:MM:SS` in UTC, microseconds dropped. */
export function formatLogTime(time: Date): string {
  const iso = time.toISOString(); // 2024-05-01T12:34:56.789Z
  return `${iso.slice(0, 10).replace(/-/g, '/')} ${iso.slice(11, 19)}`;
}

/** `[task]` or `[task retry-n]` for retries. */
export function taskLogTag(taskName: string, retryId: number): string {
  return retryId > 0 ? `[${taskName} retry-${retryId}]` : `[${taskName}]`;
}

/**
 * One record as users see it: `2024/05/01 12:34:56 [task] text`, `[task retry-1]`, `[task][osmo]` for
 * runtime lines. Returns null for an empty runtime line, which upstream drops.
 */
export function formatLogLine(
  record: FormattableLogRecord,
  taskName: string,
  retryId: number,
): string | null {
  const isOsmo = OSMO_TYPES.has(record.ioType);
  if (isOsmo && record.text.trim() === '') return null;
  const tag = taskLogTag(taskName, retryId) + (isOsmo ? '[osmo]' : '');
  return `${formatLogTime(record.time)} ${tag} ${record.text}`;
}
