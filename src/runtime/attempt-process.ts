// The runtime as a detached process: reads launch.json, records reports.jsonl and logs.jsonl, obeys stop.json.
import { closeSync, existsSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import type { LogIoType } from '../backends/backend.js';
import type { TaskStatus } from '../core/index.js';
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

/** What is recorded when the runtime is terminated without a stop.json telling why. */
const UNEXPLAINED_STOP: StopRequest = {
  status: 'FAILED_BACKEND_ERROR',
  message: 'The task runtime was terminated by a signal.',
  graceMs: 0,
};

/**
 * Runs the attempt in `attemptDir` to its end. The caller (src/main/runtime.ts) forwards SIGTERM to
 * `requestStop`; records are appended with synchronous writes so a crash loses at most one line.
 */
export class AttemptProcess {
  private readonly controller = new AbortController();
  private stopRequest: StopRequest | null = null;
  private readonly logsFd: number;
  private readonly reportsFd: number;
  private seq = 0;

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
      closeSync(this.logsFd);
      closeSync(this.reportsFd);
    }
  }

  private appendLog(ioType: LogIoType, text: string): void {
    const line: LogLine = { seq: this.seq++, time: new Date().toISOString(), ioType, text };
    writeSync(this.logsFd, `${JSON.stringify(line)}\n`);
  }

  private appendReport(status: TaskStatus, exitCode: number | null, message: string | null): void {
    const record: ReportRecord = { status, exitCode, message, at: new Date().toISOString() };
    writeSync(this.reportsFd, `${JSON.stringify(record)}\n`);
  }
}

function readStopRequest(attemptDir: string): StopRequest | null {
  try {
    return parseRecordLine(StopRequestSchema, readFileSync(attemptFile(attemptDir, 'stop'), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
