// Workflow and task logs as append-only text files, in upstream's served line format, readable while they grow.
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { userError } from '../core/index.js';
import { NAME_PATTERN } from '../spec/index.js';
import type { ObjectStorage } from '../storage/index.js';
import { confinedPath } from './confined-path.js';

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

const FOLLOW_POLL_MS = 300;

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

  /** `archive`: object storage that keeps a finished workflow's log files after the local ones are gone. */
  constructor(
    private readonly root: string,
    private readonly archiveStorage: ObjectStorage | null = null,
  ) {}

  /** Copies the workflow's log files to object storage (`workflows/<id>/logs/<file>`). */
  async archive(workflowId: string): Promise<void> {
    if (this.archiveStorage === null) return;
    await (this.tails.get(workflowId) ?? Promise.resolve());
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
    if (lastLines === null) {
      for await (const chunk of await this.archiveStorage.getStream(key))
        yield (chunk as Buffer).toString('utf8');
      return;
    }
    const lines = (await this.archiveStorage.getBytes(key)).toString('utf8').split('\n');
    lines.pop();
    yield lines
      .slice(-lastLines)
      .map((l) => `${l}\n`)
      .join('');
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
    const text = lines.join('');
    const previous = this.tails.get(workflowId) ?? Promise.resolve();
    const next = previous.then(async () => {
      const taskFile = this.file(workflowId, logFileName(task, retryId));
      await mkdir(this.dir(workflowId), { recursive: true });
      await appendFile(taskFile, text);
      await appendFile(this.file(workflowId, WORKFLOW_LOG_FILE), text);
    });
    this.tails.set(
      workflowId,
      next.catch(() => undefined),
    );
    return next;
  }

  /** How many lines an attempt already has: a recovering backend replays from the start, these are skipped. */
  async attemptLineCount(workflowId: string, task: string, retryId: number): Promise<number> {
    try {
      const text = await readFile(this.file(workflowId, logFileName(task, retryId)), 'utf8');
      return text.length === 0 ? 0 : text.split('\n').length - 1;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
  }

  /** Streams a log: the last N lines (or all), then follows new lines while the source is live. */
  async *read(workflowId: string, options: ReadLogOptions): AsyncGenerator<string> {
    const name = logFileName(options.task, options.retryId);
    const file = this.file(workflowId, name);
    if (this.archiveStorage !== null && !(await isPresent(file))) {
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
      const size = await sizeOf(file);
      if (size > offset) {
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
      if (!live || options.signal.aborted) return;
      await sleep(FOLLOW_POLL_MS, undefined, { signal: options.signal }).catch(() => undefined);
    }
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
