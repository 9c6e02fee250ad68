// What a restarted service finds in an attempt directory: a runtime that started, or no start at all.
import { readFile, rm, stat } from 'node:fs/promises';
import { isTaskFinished } from '../../core/index.js';
import { ReportRecordSchema, attemptFile, parseRecordLine, type ReportRecord } from '../../runtime/index.js';
import { findRuntimeProcess, readRuntimePid } from './runtime-liveness.js';

export type AttemptTrace =
  /** No runtime ever ran for it: launching it now runs it exactly once. */
  | { readonly started: false }
  /** A runtime ran (or runs): its pid where known, and whether an end is recorded. */
  | { readonly started: true; readonly pid: number | null; readonly ended: boolean };

/**
 * Tells "never launched" from "launched": the runtime writes its pid file first thing, and every
 * report or log line after it, so an attempt without a pid file, a record or a live runtime process
 * never ran its command, whatever launch record the backend wrote before spawning it.
 */
export async function readAttemptTrace(dir: string, isChildAlive: boolean): Promise<AttemptTrace> {
  const pid = await readRuntimePid(dir);
  const records = await readReportRecords(dir);
  const ended = records.some((r) => isTaskFinished(r.status));
  if (pid !== null || records.length > 0 || (await hasLogLines(dir)) || isChildAlive) {
    return { started: true, pid, ended };
  }
  // Spawned by a service that died before the runtime got to write its pid file.
  const running = await findRuntimeProcess(dir);
  return running === null ? { started: false } : { started: true, pid: running, ended: false };
}

/** Removes the launch record of an attempt that never started, so that it can be launched again. */
export async function forgetLaunch(dir: string): Promise<void> {
  await rm(attemptFile(dir, 'launched'), { force: true });
  // Written by earlier versions of the process backend, with the attempt's credentials in it.
  await rm(attemptFile(dir, 'launch'), { force: true });
}

/** The first final status recorded in reports.jsonl, or null. */
export async function finalReport(dir: string): Promise<ReportRecord | null> {
  return (await readReportRecords(dir)).find((r) => isTaskFinished(r.status)) ?? null;
}

async function readReportRecords(dir: string): Promise<ReportRecord[]> {
  let text: string;
  try {
    text = await readFile(attemptFile(dir, 'reports'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text
    .split('\n')
    .map((line) => parseRecordLine(ReportRecordSchema, line))
    .filter((r): r is ReportRecord => r !== null);
}

async function hasLogLines(dir: string): Promise<boolean> {
  try {
    return (await stat(attemptFile(dir, 'logs'))).size > 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
