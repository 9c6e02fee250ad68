// The files an attempt directory holds: how the backend and the detached runtime talk without a socket.
import { join } from 'node:path';
import { z } from 'zod';
import { type AttemptLaunch, LOG_IO_TYPES, TASK_STATUSES } from '../core/index.js';
import type { SandboxIdentity } from './sandbox.js';

export const ATTEMPT_FILES = {
  /** Docker backend: the launch, kept while the attempt runs so a restarted service can finish it. */
  launch: 'launch.json',
  /** Process backend: written once before the runtime starts; no secrets (those go over its stdin). */
  launched: 'launched.json',
  reports: 'reports.jsonl',
  logs: 'logs.jsonl',
  pid: 'pid',
  /** Process backend: the pid of the sandbox (bwrap) the command runs in, while it runs; exec enters it. */
  sandboxPid: 'sandbox.pid',
  stop: 'stop.json',
} as const;

export const attemptFile = (attemptDir: string, file: keyof typeof ATTEMPT_FILES): string =>
  join(attemptDir, ATTEMPT_FILES[file]);

/** The attempt plus what the backend decided about running it (the runtime's stdin). */
export interface LaunchFile {
  readonly launch: AttemptLaunch;
  /** Run the command in a private mount namespace where `/osmo/...` are the real paths. */
  readonly sandboxed: boolean;
  /** Who the sandboxed command runs as; absent or null: the runtime's own uid. */
  readonly identity?: SandboxIdentity | null;
  /** Host directories `file://` URLs may name (an admin's list); none refuses every `file://` URL. */
  readonly fileUrlRoots?: readonly string[];
  /** Host paths the sandbox must hide even where they sit under its system directories. */
  readonly hiddenPaths?: readonly string[];
  /** `[osmo]` lines the runtime logs before anything else (e.g. "runs on the host, not in the image"). */
  readonly notices: readonly string[];
}

export const ReportRecordSchema = z.object({
  status: z.enum(TASK_STATUSES),
  exitCode: z.number().int().nullable(),
  message: z.string().nullable(),
  at: z.string(),
});
/** One line of reports.jsonl. */
export type ReportRecord = z.infer<typeof ReportRecordSchema>;

export const LogLineSchema = z.object({
  seq: z.number().int().min(0),
  time: z.string(),
  ioType: z.enum(LOG_IO_TYPES),
  text: z.string(),
});
/** One line of logs.jsonl. */
export type LogLine = z.infer<typeof LogLineSchema>;

export const StopRequestSchema = z.object({
  status: z.enum(TASK_STATUSES),
  message: z.string(),
  /** How long the command gets between SIGTERM and SIGKILL. */
  graceMs: z.number().int().min(0),
});
/** stop.json, written by the backend before it signals the runtime. */
export type StopRequest = z.infer<typeof StopRequestSchema>;

/** Parses one JSONL line with a schema; null for a torn or foreign line (the writer may be mid-append). */
export function parseRecordLine<T>(schema: z.ZodType<T>, line: string): T | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null; // a line cut by a crash of the writer carries nothing usable
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
