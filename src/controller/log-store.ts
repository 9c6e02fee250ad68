// Workflow and task logs as append-only text files, in upstream's served line format, readable while they grow.
import { EventEmitter, once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdir, open, stat, truncate, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { userError } from '../core/index.js';
import { taskLogTag } from '../runtime/index.js';
import { NAME_PATTERN } from '../spec/index.js';
import type { ObjectStorage } from '../storage/index.js';
import { confinedPath } from './confined-path.js';
import { scanRecords } from './log-recovery.js';

export const WORKFLOW_LOG_FILE = 'workflow_logs.txt';
export const taskLogFile = (task: string, retryId: number): string => `task_logs_${task}_${retryId}.txt`;

/** The file name of a task's log, or of the workflow's when `task` is null; refuses names no task can have. */
function logFileName(task: string | null, retryId: number): string {
  if (task === null) return WORKFLOW_LOG_FILE;
  if (!NAME_PATTERN.test(task) || !Number.isSafeInteger(retryId) || retryId < 0) {
    throw userError(`Invalid task name or retry id: "${task}" retry ${retryId}`);
  }
  return taskLogFile(task, retryId);
}

/** A follower with nothing new asks again this often whether its source may still grow. */
const FOLLOW_CHECK_MS = 1000;
/** Workflows whose log files are kept open at once; past it the least recently written are closed. */
const MAX_OPEN_WORKFLOWS = 128;

export interface ReadLogOptions {
  readonly task: string | null;
  readonly retryId: number;
  readonly lastLines: number | null;
  /** Keep reading while this says the source may still grow. */
  readonly isLive: () => Promise<boolean>;
  readonly signal: AbortSignal;
}

export class LogStore {
  // Appends of one workflow are chained so lines keep their arrival order.
  private readonly tails = new Map<string, Promise<void>>();
  private readonly openFiles = new Map<string, Map<string, FileHandle>>();
  /** Emits a log file's path after each write to it; any number of followers may listen. */
  private readonly growth = new EventEmitter().setMaxListeners(0);
  private appended = 0;

  /** Log bytes written since the service started (each line once, however many files hold it): for metrics. */
  get appendedBytes(): number {
    return this.appended;
  }

  /** `archive`: object storage that keeps a finished workflow's log files after the local ones are gone. */
  constructor(
    private readonly root: string,
    private readonly archiveStorage: ObjectStorage | null = null,
  ) {}

  /** Copies the workflow's log files to object storage (`workflows/<id>/logs/<file>`). */
  async archive(workflowId: string): Promise<void> {
    await this.closeFiles(workflowId);
    if (this.archiveStorage === null) return;
    await this.archiveStorage.uploadDirectory(this.dir(workflowId), archivedLogPrefix(workflowId));
  }

  /** A log kept only in object storage (the local file is gone): all of it, or its last N lines. */
  private async *readArchived(
    workflowId: string,
    file: string,
    lastLines: number | null,
  ): AsyncGenerator<string> {
    if (this.archiveStorage === null) return;
    const key = `${archivedLogPrefix(workflowId)}/${file}`;
    if (!(await this.archiveStorage.exists(key))) return;
    // One decoder per read: a character split between two chunks is still decoded whole.
    const decoder = new StringDecoder('utf8');
    if (lastLines === null) {
      for await (const chunk of await this.archiveStorage.getStream(key))
        yield decoder.write(chunk as Buffer);
      return;
    }
    // Streamed through a ring of the last N lines: an archived log is never held whole in memory.
    const kept: string[] = [];
    let partial = '';
    for await (const chunk of await this.archiveStorage.getStream(key)) {
      const lines = (partial + decoder.write(chunk as Buffer)).split('\n');
      partial = lines.pop() ?? '';
      kept.push(...lines);
      if (kept.length > lastLines) kept.splice(0, kept.length - lastLines);
    }
    yield kept.map((l) => `${l}\n`).join('');
  }

  // Every log path goes through here: workflow ids and file names are checked before a path exists.
  private dir(workflowId: string): string {
    return confinedPath(this.root, [workflowId]);
  }

  private file(workflowId: string, name: string): string {
    return confinedPath(this.root, [workflowId, name]);
  }

  /** Appends formatted lines (each ending in a newline) to the workflow file and the attempt's file. */
  append(workflowId: string, task: string, retryId: number, lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return this.tails.get(workflowId) ?? Promise.resolve();
    // One conversion for both files: a batch is written twice, encoded once.
    const bytes = Buffer.from(lines.join(''), 'utf8');
    return this.chain(workflowId, async () => {
      await this.appendTo(workflowId, logFileName(task, retryId), bytes);
      await this.appendTo(workflowId, WORKFLOW_LOG_FILE, bytes);
      this.appended += bytes.length;
    });
  }

  /** Runs `step` after the workflow's earlier log writes: its lines keep their arrival order. */
  private chain(workflowId: string, step: () => Promise<void>): Promise<void> {
    const next = (this.tails.get(workflowId) ?? Promise.resolve()).then(step);
    const settled = next.catch(() => undefined);
    this.tails.set(workflowId, settled);
    // A finished workflow leaves nothing behind here.
    void settled.then(() => {
      if (this.tails.get(workflowId) === settled) this.tails.delete(workflowId);
    });
    return next;
  }

  /**
   * Appends to a log file through a handle kept open while the workflow writes: a busy task's lines
   * cost a write each batch, not an open and a close. Only the workflow's own chain uses its handles.
   */
  private async appendTo(workflowId: string, name: string, bytes: Buffer): Promise<void> {
    let files = this.openFiles.get(workflowId);
    if (files === undefined) {
      files = new Map();
      this.openFiles.set(workflowId, files);
      this.closeLeastRecent();
    } else {
      // Most recently written last, so the least recent is the first one.
      this.openFiles.delete(workflowId);
      this.openFiles.set(workflowId, files);
    }
    let handle = files.get(name);
    if (handle === undefined) {
      await mkdir(this.dir(workflowId), { recursive: true });
      handle = await open(this.file(workflowId, name), 'a');
      files.set(name, handle);
    }
    await handle.write(bytes);
    this.growth.emit(this.file(workflowId, name));
  }

  /** Past MAX_OPEN_WORKFLOWS, the least recently written workflow's files are closed, on its own chain. */
  private closeLeastRecent(): void {
    if (this.openFiles.size <= MAX_OPEN_WORKFLOWS) return;
    const [workflowId] = this.openFiles.keys();
    if (workflowId !== undefined) void this.closeFiles(workflowId).catch(() => undefined);
  }

  /** Closes a workflow's open log files after its pending writes; a later write opens them again. */
  private closeFiles(workflowId: string): Promise<void> {
    const files = this.openFiles.get(workflowId);
    if (files === undefined) return this.tails.get(workflowId) ?? Promise.resolve();
    this.openFiles.delete(workflowId);
    return this.chain(workflowId, async () => {
      await Promise.all([...files.values()].map((h) => h.close()));
    });
  }

  /**
   * Where an attempt's lines stand after a restart, made whole: the service may have died between the
   * attempt's file and the workflow's file, or inside a write. Lines cut by a crash are dropped, the
   * workflow's file gets the records only the attempt's file had, and the count of the attempt's
   * records is returned: a recovering backend replays the attempt, and those are skipped.
   */
  reconcileAttempt(workflowId: string, task: string, retryId: number): Promise<number> {
    const attemptPath = this.file(workflowId, logFileName(task, retryId));
    const workflowPath = this.file(workflowId, WORKFLOW_LOG_FILE);
    const tag = taskLogTag(task, retryId);
    let stored = 0;
    return this.chain(workflowId, async () => {
      const inWorkflow = await scanRecords(workflowPath, tag);
      const attempt = await scanRecords(attemptPath, tag, inWorkflow?.records ?? 0);
      if (attempt === null) return; // a new attempt: nothing stored yet
      if (attempt.complete < attempt.size) await truncate(attemptPath, attempt.complete);
      if (inWorkflow !== null && inWorkflow.complete < inWorkflow.size) {
        await truncate(workflowPath, inWorkflow.complete);
      }
      stored = attempt.records;
      if ((inWorkflow?.records ?? 0) >= attempt.records) return;
      const missing = createReadStream(attemptPath, { start: attempt.start, end: attempt.complete - 1 });
      for await (const chunk of missing) await this.appendTo(workflowId, WORKFLOW_LOG_FILE, chunk as Buffer);
    }).then(() => stored);
  }

  /** Streams a log: the last N lines (or all), then follows new lines while the source is live. */
  async *read(workflowId: string, options: ReadLogOptions): AsyncGenerator<string> {
    const name = logFileName(options.task, options.retryId);
    const file = this.file(workflowId, name);
    // No local file: archived if the workflow is over, else not written yet (a task that has printed
    // nothing so far), which the follow below waits for instead of answering an empty log at once.
    if (this.archiveStorage !== null && !(await isPresent(file)) && !(await options.isLive())) {
      yield* this.readArchived(workflowId, name, options.lastLines);
      return;
    }
    let offset = 0;
    if (options.lastLines !== null) {
      const { text, end } = await tailOf(file, options.lastLines);
      if (text) yield text;
      offset = end;
    }
    for (;;) {
      const live = await options.isLive();
      // Listening before the size is read: a batch written in between still wakes this follower.
      const grown = this.nextGrowth(file, options.signal);
      const size = await sizeOf(file);
      if (size > offset) {
        grown.cancel();
        for await (const chunk of createReadStream(file, {
          start: offset,
          end: size - 1,
          encoding: 'utf8',
        })) {
          yield chunk as string;
        }
        offset = size;
        continue;
      }
      if (!live || options.signal.aborted) {
        grown.cancel();
        return;
      }
      await grown.promise;
    }
  }

  /**
   * Settles when `file` next grows (followers are pushed each batch, not polled), when the signal
   * aborts, or after FOLLOW_CHECK_MS, so a follower still sees its source end without a write.
   */
  private nextGrowth(file: string, signal: AbortSignal): { promise: Promise<void>; cancel: () => void } {
    let cancel = (): void => undefined;
    const promise = new Promise<void>((resolve) => {
      const timer = setTimeout(() => cancel(), FOLLOW_CHECK_MS);
      cancel = () => {
        clearTimeout(timer);
        this.growth.off(file, cancel);
        signal.removeEventListener('abort', cancel);
        resolve();
      };
      this.growth.on(file, cancel);
      signal.addEventListener('abort', cancel, { once: true });
    });
    return { promise, cancel };
  }
}

const archivedLogPrefix = (workflowId: string): string => `workflows/${workflowId}/logs`;

async function isPresent(file: string): Promise<boolean> {
  return (await stat(file).catch(() => null)) !== null;
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

/** The last `n` complete lines of a file and the byte offset where the file ended. */
async function tailOf(file: string, n: number): Promise<{ text: string; end: number }> {
  const end = await sizeOf(file);
  if (end === 0) return { text: '', end };
  const stream = createReadStream(file, { start: 0, end: end - 1 });
  const kept: string[] = [];
  let partial = '';
  stream.on('data', (chunk: Buffer | string) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    kept.push(...lines);
    if (kept.length > n) kept.splice(0, kept.length - n);
  });
  await once(stream, 'end');
  return { text: kept.map((l) => `${l}\n`).join(''), end: end - Buffer.byteLength(partial) };
}
