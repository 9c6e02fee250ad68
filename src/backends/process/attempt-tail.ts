// Follows an attempt directory's reports.jsonl and logs.jsonl, turning new lines into AttemptReports.
import { watch, type FSWatcher } from 'node:fs';
import { appendFile, open } from 'node:fs/promises';
import type { AttemptRef, AttemptReport } from '../backend.js';
import { isTaskFinished } from '../../core/index.js';
import {
  ATTEMPT_FILES,
  LogLineSchema,
  ReportRecordSchema,
  attemptFile,
  parseRecordLine,
  type LogLine,
  type ReportRecord,
} from '../../runtime/index.js';

export const BACKEND_ERROR_EXIT_CODE = 3001;
/** How long reading an attempt may keep failing before the attempt is ended: a retry or two, no more. */
const FOLLOW_FAILURE_GRACE_MS = 2_000;

export interface AttemptTailOptions {
  readonly attemptDir: string;
  readonly ref: AttemptRef;
  readonly emit: (report: AttemptReport) => void;
  /** Whether the attempt's runtime process still runs; once it does not, a missing end is a backend error. */
  readonly isRuntimeAlive: () => Promise<boolean>;
  readonly pollIntervalMs: number;
  /** Told of the first failure of a run of failed reads (later ones in the run would only repeat it). */
  readonly onError: (err: unknown) => void;
  /** The attempt's files could not be read for a while: the tail has stopped, the attempt must end. */
  readonly onUnfollowable: (message: string) => void;
}

/**
 * Names the attempt file that failed, which Node's read errors do not, and only its name: the message
 * reaches the task's user, who has no business with the service's host paths.
 */
export function unreadable(name: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const reason = code ?? (err instanceof Error ? err.message : String(err));
  return new Error(`cannot read the attempt's ${name} (${reason})`, { cause: err });
}

/** Reads a JSONL file from an offset, keeping an unfinished last line for the next read. */
class JsonlCursor {
  private offset = 0;
  private partial = '';

  constructor(
    private readonly path: string,
    private readonly name: string,
  ) {}

  async readNewLines(): Promise<string[]> {
    try {
      return await this.read();
    } catch (err) {
      throw unreadable(this.name, err);
    }
  }

  private async read(): Promise<string[]> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    try {
      const chunks: Buffer[] = [];
      for (;;) {
        const buffer = Buffer.alloc(64 * 1024);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
        if (bytesRead === 0) break;
        chunks.push(buffer.subarray(0, bytesRead));
        this.offset += bytesRead;
      }
      const text = this.partial + Buffer.concat(chunks).toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      return lines.filter((l) => l !== '');
    } finally {
      await handle.close();
    }
  }
}

/** Emits every record of one attempt in order (logs before the reports written after them), then stops at the end. */
export class AttemptTail {
  private readonly reports: JsonlCursor;
  private readonly logs: JsonlCursor;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private finished = false;
  /** When the current run of failed reads began; null while reads succeed. */
  private failingSince: number | null = null;
  private resolveDone: () => void = () => undefined;
  /** Settles once the final status was emitted or the tail was closed. */
  readonly done: Promise<void> = new Promise((resolve) => (this.resolveDone = resolve));

  constructor(private readonly options: AttemptTailOptions) {
    this.reports = new JsonlCursor(attemptFile(options.attemptDir, 'reports'), ATTEMPT_FILES.reports);
    this.logs = new JsonlCursor(attemptFile(options.attemptDir, 'logs'), ATTEMPT_FILES.logs);
  }

  start(): void {
    try {
      this.watcher = watch(this.options.attemptDir, () => this.poke());
      this.watcher.on('error', () => this.closeWatcher()); // polling carries on alone
    } catch {
      this.watcher = null; // some file systems cannot be watched: polling alone then
    }
    this.timer = setInterval(() => this.poke(), this.options.pollIntervalMs);
    this.poke();
  }

  close(): void {
    this.finished = true;
    this.closeWatcher();
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.resolveDone();
  }

  /** Runs one pump at a time; a poke during a pump asks for one more. */
  private poke(): void {
    if (this.finished) return;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = this.pump()
      .then(
        () => {
          this.failingSince = null;
        },
        (err: unknown) => this.failed(err),
      )
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  /** A failed read is retried on the next poll; reads that keep failing end the attempt with the reason. */
  private failed(err: unknown): void {
    const now = Date.now();
    if (this.failingSince === null) {
      this.failingSince = now;
      this.options.onError(err);
      return;
    }
    if (this.finished || now - this.failingSince < FOLLOW_FAILURE_GRACE_MS) return;
    this.close();
    const reason = err instanceof Error ? err.message : String(err);
    this.options.onUnfollowable(`The service could not follow the task (${reason}), so it was stopped.`);
  }

  private async pump(): Promise<void> {
    const alive = await this.options.isRuntimeAlive();
    // Reports first, then logs: every log line written before a report we saw is in this read.
    const reports = await this.readReports();
    const logs = await this.readLogs();
    for (const log of logs) this.emitLog(log);
    for (const report of reports) {
      if (this.finished) return;
      this.emitReport(report);
      if (isTaskFinished(report.status)) this.close();
    }
    if (!this.finished && !alive) {
      // The runtime is gone without a final status: record the loss so every later reader agrees.
      const record: ReportRecord = {
        status: 'FAILED_BACKEND_ERROR',
        exitCode: BACKEND_ERROR_EXIT_CODE,
        message: 'The task runtime process ended without reporting a final status (host or service failure).',
        at: new Date().toISOString(),
      };
      await appendFile(attemptFile(this.options.attemptDir, 'reports'), `${JSON.stringify(record)}\n`);
      this.again = true;
    }
  }

  private async readReports(): Promise<ReportRecord[]> {
    return (await this.reports.readNewLines())
      .map((l) => parseRecordLine(ReportRecordSchema, l))
      .filter((r): r is ReportRecord => r !== null);
  }

  private async readLogs(): Promise<LogLine[]> {
    return (await this.logs.readNewLines())
      .map((l) => parseRecordLine(LogLineSchema, l))
      .filter((r): r is LogLine => r !== null);
  }

  private emitLog(line: LogLine): void {
    const { ref, emit } = this.options;
    emit({
      kind: 'log',
      ref,
      seq: line.seq,
      time: timeOf(line.time),
      ioType: line.ioType,
      text: line.text,
    });
  }

  private emitReport(record: ReportRecord): void {
    const { ref, emit } = this.options;
    emit({
      kind: 'status',
      ref,
      status: record.status,
      exitCode: record.exitCode,
      message: record.message,
      at: timeOf(record.at),
    });
  }

  private closeWatcher(): void {
    this.watcher?.close();
    this.watcher = null;
  }
}

/** A record's time, or now when it is not one: a bad time stamp must not cost the record itself. */
function timeOf(text: string): Date {
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? new Date() : time;
}
