// Follows an attempt directory's reports.jsonl and logs.jsonl, turning new lines into AttemptReports.
import { watch, type FSWatcher } from 'node:fs';
import { appendFile, open, stat, type FileHandle } from 'node:fs/promises';
import {
  type AttemptLogRecord,
  type AttemptRef,
  type AttemptReport,
  EXIT_CODES,
  isTaskFinished,
  LOG_IO_TYPES,
  type LogIoType,
} from '../../core/index.js';
import {
  ATTEMPT_FILES,
  ReportRecordSchema,
  attemptFile,
  parseRecordLine,
  type LogLine,
  type ReportRecord,
} from '../../runtime/index.js';

/** How long reading an attempt may keep failing before the attempt is ended: a retry or two, no more. */
const FOLLOW_FAILURE_GRACE_MS = 2_000;

export interface AttemptTailOptions {
  readonly attemptDir: string;
  readonly ref: AttemptRef;
  /** A promise answered for a log batch is waited for before more of the log is read. */
  readonly emit: (report: AttemptReport) => void | Promise<void>;
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

const FOLLOWED: ReadonlySet<string> = new Set([ATTEMPT_FILES.reports, ATTEMPT_FILES.logs]);

/** Bytes read at a time: one log batch holds about this much, whatever the size of the file. */
const READ_CHUNK_BYTES = 256 * 1024;

/** The first read of a poke is small (most find a line or two); a full one doubles up to READ_CHUNK_BYTES. */
const FIRST_READ_BYTES = 16 * 1024;

/**
 * Reads a JSONL file from an offset in chunks of whole lines; an unfinished last line waits for the
 * next read. The file is opened once it exists and kept open until the attempt ends: the runtime only
 * appends to it, and the task (sandboxed) cannot reach it, so a pump costs one read, not an open,
 * a read and a close. Now and then the path is checked to still name the file read: one replaced or
 * made unreadable under the runtime is noticed, not followed blindly.
 */
class JsonlCursor {
  private offset = 0;
  private handle: FileHandle | null = null;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly name: string,
  ) {}

  /** Calls `onLines` with each chunk of complete lines up to the end of the file as it is now. */
  async readNewLines(onLines: (lines: string[]) => void | Promise<void>, checkPath = false): Promise<void> {
    try {
      if (checkPath) await this.checkPath();
      await this.read(onLines);
    } catch (err) {
      throw unreadable(this.name, err);
    }
  }

  private async checkPath(): Promise<void> {
    if (this.handle === null) return;
    const [named, read] = await Promise.all([stat(this.path), this.handle.stat()]);
    if (named.ino !== read.ino || named.dev !== read.dev) {
      throw Object.assign(new Error('replaced while it was read'), { code: 'EREPLACED' });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }

  private async opened(): Promise<FileHandle | null> {
    if (this.handle !== null || this.closed) return this.handle;
    try {
      const handle = await open(this.path, 'r');
      // Closed while it opened: nobody would close this one.
      if (this.closed) await handle.close();
      else this.handle = handle;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return this.handle;
  }

  private async read(onLines: (lines: string[]) => void | Promise<void>): Promise<void> {
    const handle = await this.opened();
    if (handle === null) return;
    let carried: Buffer = Buffer.alloc(0);
    let size = FIRST_READ_BYTES;
    for (;;) {
      const buffer = Buffer.allocUnsafe(size);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset + carried.length);
      if (bytesRead === 0) return;
      if (bytesRead === size) size = Math.min(size * 2, READ_CHUNK_BYTES);
      const bytes =
        carried.length === 0
          ? buffer.subarray(0, bytesRead)
          : Buffer.concat([carried, buffer.subarray(0, bytesRead)]);
      // A newline byte never occurs inside a multi-byte character: cutting after one keeps text whole.
      const end = bytes.lastIndexOf(0x0a) + 1;
      carried = bytes.subarray(end);
      if (end === 0) continue;
      this.offset += end;
      await onLines(
        bytes
          .toString('utf8', 0, end - 1)
          .split('\n')
          .filter((l) => l !== ''),
      );
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
  /** The next pump asks whether the runtime still runs: on the first one and on every timer poll. */
  private livenessDue = true;
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
      // Only the two files it reads: the runtime also writes the task's own tree beside them.
      this.watcher = watch(this.options.attemptDir, (_event, file) => {
        if (file === null || FOLLOWED.has(file)) this.poke();
      });
      this.watcher.on('error', () => this.closeWatcher()); // polling carries on alone
    } catch {
      this.watcher = null; // some file systems cannot be watched: polling alone then
    }
    // Writes poke the tail through the watcher; the timer is for what no write tells (a runtime gone),
    // and reads alone where nothing can be watched.
    const interval = this.watcher === null ? this.options.pollIntervalMs : this.options.pollIntervalMs * 4;
    this.timer = setInterval(() => {
      this.livenessDue = true;
      this.poke();
    }, interval);
    this.poke();
  }

  close(): void {
    this.finished = true;
    this.closeWatcher();
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    // After the pump under way, if any: it may be reading through the handles.
    void (this.running ?? Promise.resolve())
      .then(() => Promise.all([this.reports.close(), this.logs.close()]))
      .catch(() => undefined);
    this.resolveDone();
  }

  /** Runs one pump at a time; a poke during a pump asks for one more. */
  poke(): void {
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
    const checkLiveness = this.livenessDue;
    this.livenessDue = false;
    const alive = checkLiveness ? await this.options.isRuntimeAlive() : true;
    // Reports first, then logs: every log line written before a report we saw is in this read.
    const reports = await this.readReports(checkLiveness);
    await this.logs.readNewLines((lines) => this.emitLogs(lines), checkLiveness);
    for (const report of reports) {
      if (this.finished) return;
      this.emitReport(report);
      if (isTaskFinished(report.status)) this.close();
    }
    if (!this.finished && !alive) {
      // The runtime is gone without a final status: record the loss so every later reader agrees.
      const record: ReportRecord = {
        status: 'FAILED_BACKEND_ERROR',
        exitCode: EXIT_CODES.BACKEND_ERROR,
        message: 'The task runtime process ended without reporting a final status (host or service failure).',
        at: new Date().toISOString(),
      };
      await appendFile(attemptFile(this.options.attemptDir, 'reports'), `${JSON.stringify(record)}\n`);
      this.again = true;
    }
  }

  private async readReports(checkPath: boolean): Promise<ReportRecord[]> {
    const records: ReportRecord[] = [];
    await this.reports.readNewLines((lines) => {
      for (const line of lines) {
        const record = parseRecordLine(ReportRecordSchema, line);
        if (record !== null) records.push(record);
      }
    }, checkPath);
    return records;
  }

  /** One batch per chunk read; a line that is not a log record (cut by a crash) is skipped. */
  private emitLogs(lines: readonly string[]): void | Promise<void> {
    if (this.finished) return;
    const records: AttemptLogRecord[] = [];
    for (const line of lines) {
      const record = parseLogLine(line);
      if (record !== null) records.push(record);
    }
    if (records.length > 0) return this.options.emit({ kind: 'log', ref: this.options.ref, records });
  }

  private emitReport(record: ReportRecord): void {
    const { ref, emit } = this.options;
    // A status is applied in the engine's own order; only log batches are waited for.
    void emit({
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

const IO_TYPES: ReadonlySet<unknown> = new Set(LOG_IO_TYPES);

/**
 * One line of logs.jsonl, or null when it is not one. The same checks as LogLineSchema, by hand: a
 * schema parse per line costs more than everything else a line goes through.
 */
export function parseLogLine(line: string): AttemptLogRecord | null {
  let value: Partial<Record<keyof LogLine, unknown>> | null;
  try {
    value = JSON.parse(line) as Partial<Record<keyof LogLine, unknown>> | null;
  } catch {
    return null; // a line cut by a crash of the writer carries nothing usable
  }
  if (typeof value !== 'object' || value === null) return null;
  const { seq, time, ioType, text } = value;
  if (!Number.isSafeInteger(seq) || (seq as number) < 0) return null;
  if (typeof time !== 'string' || typeof text !== 'string' || !IO_TYPES.has(ioType)) return null;
  return { seq: seq as number, time: timeOf(time), ioType: ioType as LogIoType, text };
}

/** A record's time, or now when it is not one: a bad time stamp must not cost the record itself. */
function timeOf(text: string): Date {
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? new Date() : time;
}
