// How the runtime in a pod tells the backend what happens: one JSON object per stdout line, read back
// through the pod log API. Pure: both sides share these two functions.
import { z } from 'zod';
import { LOG_IO_TYPES, TASK_STATUSES, type LogIoType, type TaskStatus } from '../../core/index.js';

const LogLine = z.object({
  osmo: z.literal('log'),
  seq: z.number().int().min(0),
  time: z.string(),
  ioType: z.enum(LOG_IO_TYPES),
  text: z.string(),
});
const ReportLine = z.object({
  osmo: z.literal('report'),
  status: z.enum(TASK_STATUSES),
  exitCode: z.number().int().nullable(),
  message: z.string().nullable(),
  at: z.string(),
});
const PodLogLine = z.discriminatedUnion('osmo', [LogLine, ReportLine]);
export type PodLogLine = z.infer<typeof PodLogLine>;

export const logLine = (seq: number, time: Date, ioType: LogIoType, text: string): string =>
  JSON.stringify({ osmo: 'log', seq, time: time.toISOString(), ioType, text } satisfies PodLogLine);

export const reportLine = (
  status: TaskStatus,
  exitCode: number | null,
  message: string | null,
  at: Date,
): string =>
  JSON.stringify({ osmo: 'report', status, exitCode, message, at: at.toISOString() } satisfies PodLogLine);

/**
 * One line of the pod's log, with or without the API's timestamp prefix; null for a line the runtime
 * did not write (an image's own entrypoint noise, a line cut by a restart of the stream).
 */
export function parsePodLogLine(line: string): PodLogLine | null {
  const start = line.indexOf('{');
  if (start < 0) return null;
  let value: unknown;
  try {
    value = JSON.parse(line.slice(start));
  } catch {
    return null; // not one of ours
  }
  const parsed = PodLogLine.safeParse(value);
  return parsed.success ? parsed.data : null;
}
