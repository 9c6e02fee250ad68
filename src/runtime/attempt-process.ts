// One attempt under the task runtime, as the resident launcher runs it: records reports.jsonl and
// logs.jsonl in its directory, obeys stop.json.
import { closeSync, existsSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import type { LogIoType, TaskStatus } from '../core/index.js';
import {
  StopRequestSchema,
  attemptFile,
  parseRecordLine,
  type LaunchFile,
  type LogLine,
  type ReportRecord,
  type StopRequest,
} from './attempt-files.js';
import { superviseAttempt, type AttemptSink, type FinalStatus } from './supervisor.js';

/** Buffered log lines are written at least this often, and always before a report and at the end. */
const LOG_FLUSH_MS = 20;
/** A buffer this large is written at once: one write per batch, never a whole log in memory. */
const LOG_FLUSH_BYTES = 256 * 1024;

/** What is recorded when the runtime is terminated without a stop.json telling why. */
const UNEXPLAINED_STOP: StopRequest = {
  status: 'FAILED_BACKEND_ERROR',
  message: 'The task runtime was terminated by a signal.',
  graceMs: 0,
};

/**
 * Runs the attempt in `attemptDir` to its end. The launcher calls `requestStop` when the backend asks
 * (or the launcher is terminated); records are appended with synchronous writes so a crash loses at most one line.
 */
export class AttemptProcess {
  private readonly controller = new AbortController();
  private stopRequest: StopRequest | null = null;
  private readonly logsFd: number;
  private readonly reportsFd: number;
  private seq = 0;
  private pendingLog = '';
  private logTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly attemptDir: string,
    private readonly hostEnvironment: Readonly<Record<string, string>>,
  ) {
    this.logsFd = openSync(attemptFile(attemptDir, 'logs'), 'a');
    this.reportsFd = openSync(attemptFile(attemptDir, 'reports'), 'a');
  }

  /** Reads stop.json (written by the backend before it signals) and stops the attempt. */
  requestStop(): void {
    if (this.stopRequest !== null) return;
    this.stopRequest = readStopRequest(this.attemptDir) ?? UNEXPLAINED_STOP;
    this.controller.abort();
  }

  /**
   * `readLaunch` gives the LaunchFile as JSON (from stdin): its credentials are never written to disk.
   * It is read before the pid file is written, so a service that died while handing it over leaves an
   * attempt without pid or reports, which recovery launches again; this run then records nothing.
   */
  async run(readLaunch: () => Promise<string>): Promise<FinalStatus | null> {
    let launchFile: LaunchFile;
    try {
      launchFile = JSON.parse(await readLaunch()) as LaunchFile;
    } catch (err) {
      process.stderr.write(
        `osmo runtime: no complete launch on stdin: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      return null;
    }
    writeFileSync(attemptFile(this.attemptDir, 'pid'), `${process.pid}\n`);
    // A stop that arrived before the pid file existed could not signal us: it left stop.json behind.
    if (existsSync(attemptFile(this.attemptDir, 'stop'))) this.requestStop();
    const sink: AttemptSink = {
      report: (status, exitCode, message) => this.appendReport(status, exitCode, message),
      log: (ioType, text) => this.appendLog(ioType, text),
    };
    try {
      return await superviseAttempt({
        attemptDir: this.attemptDir,
        launchFile,
        sink,
        stop: this.controller.signal,
        stopRequest: () => this.stopRequest,
        hostEnvironment: this.hostEnvironment,
      });
    } finally {
      this.flushLogs();
      closeSync(this.logsFd);
      closeSync(this.reportsFd);
    }
  }

  private appendLog(ioType: LogIoType, text: string): void {
    const line: LogLine = { seq: this.seq++, time: new Date().toISOString(), ioType, text };
    this.pendingLog += `${JSON.stringify(line)}\n`;
    if (this.pendingLog.length >= LOG_FLUSH_BYTES) this.flushLogs();
    else this.logTimer ??= setTimeout(() => this.flushLogsLater(), LOG_FLUSH_MS);
  }

  /** On a timer a failed write has no caller to fail: it is told, and must not end the launcher. */
  private flushLogsLater(): void {
    try {
      this.flushLogs();
    } catch (err) {
      process.stderr.write(
        `osmo runtime: cannot write ${this.attemptDir}'s logs: ${err instanceof Error ? err.message : String(err)}\n`,
      );
    }
  }

  private flushLogs(): void {
    if (this.logTimer !== null) clearTimeout(this.logTimer);
    this.logTimer = null;
    if (this.pendingLog === '') return;
    const text = this.pendingLog;
    this.pendingLog = '';
    writeAll(this.logsFd, Buffer.from(text, 'utf8'));
  }

  private appendReport(status: TaskStatus, exitCode: number | null, message: string | null): void {
    // Every line printed before a report is on disk before it: readers see them in that order.
    this.flushLogs();
    const record: ReportRecord = { status, exitCode, message, at: new Date().toISOString() };
    writeSync(this.reportsFd, `${JSON.stringify(record)}\n`);
  }
}

/** writeSync may write less than asked (a signal, a full pipe): the rest follows. */
function writeAll(fd: number, bytes: Buffer): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written);
}

function readStopRequest(attemptDir: string): StopRequest | null {
  try {
    return parseRecordLine(StopRequestSchema, readFileSync(attemptFile(attemptDir, 'stop'), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
