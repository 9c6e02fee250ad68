// What the process backend and the resident launcher say to each other over the launcher's socket:
// one JSON object per line, in either direction.
import { join } from 'node:path';
import { z } from 'zod';
import type { LaunchFile } from './attempt-files.js';

/** Where the launcher of a work root listens; the directory is the service user's alone. */
export const launcherSocketPath = (workRoot: string): string => join(workRoot, 'launcher', 'launcher.sock');

/** The backend asks: run an attempt in its directory (its launch, credentials included, only here). */
export interface LaunchMessage {
  readonly op: 'launch';
  readonly dir: string;
  readonly launch: LaunchFile;
}

/** The backend asks: stop an attempt; why is in the attempt's stop.json, written before. */
export interface StopMessage {
  readonly op: 'stop';
  readonly dir: string;
}

export type LauncherRequest = LaunchMessage | StopMessage;

/**
 * The launcher answers: an attempt started (its pid file names the launcher), could not be started
 * (with why), or ended (its final report is on disk already).
 */
export type LauncherEvent =
  | { readonly op: 'started'; readonly dir: string }
  | { readonly op: 'failed'; readonly dir: string; readonly message: string }
  | { readonly op: 'ended'; readonly dir: string };

// The launch itself is the runtime's to validate, as it always was; the envelope is checked here.
const RequestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('launch'), dir: z.string().min(1), launch: z.record(z.string(), z.unknown()) }),
  z.object({ op: z.literal('stop'), dir: z.string().min(1) }),
]);

const EventSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('started'), dir: z.string() }),
  z.object({ op: z.literal('failed'), dir: z.string(), message: z.string() }),
  z.object({ op: z.literal('ended'), dir: z.string() }),
]);

export function parseLauncherRequest(line: string): LauncherRequest | null {
  const parsed = RequestSchema.safeParse(safeJson(line));
  return parsed.success ? (parsed.data as unknown as LauncherRequest) : null;
}

export function parseLauncherEvent(line: string): LauncherEvent | null {
  const parsed = EventSchema.safeParse(safeJson(line));
  return parsed.success ? parsed.data : null;
}

const safeJson = (line: string): unknown => {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return null;
  }
};

/** Calls `onLine` for each complete line of a byte stream, keeping a partial last line for later. */
export function onLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line !== '') onLine(line);
  });
}
