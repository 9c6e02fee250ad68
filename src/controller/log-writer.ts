// Writes the log batches backends report into the log store, one append per batch.
import type { AttemptLogBatch } from '../core/index.js';
import { formatLogLine } from '../runtime/index.js';
import { attemptKey } from './context.js';
import type { LogStore } from './log-store.js';

/** Where one attempt's log stands: the seq expected next, and stored lines a replay must not write again. */
interface AttemptCursor {
  next: number;
  skip: number;
}

/**
 * Appends log batches in order. A recovering backend replays an attempt from its start (a re-attached
 * container from its first line's seq): the records the store already holds are skipped, counted from
 * the stored records once per attempt and service start, not taken from seqs, because records that
 * print nothing (an empty runtime line) hold a seq and no line.
 */
export class LogWriter {
  private readonly cursors = new Map<string, AttemptCursor>();

  constructor(private readonly logs: LogStore) {}

  async write(batch: AttemptLogBatch): Promise<void> {
    const { ref } = batch;
    const key = attemptKey(ref);
    let cursor = this.cursors.get(key);
    if (cursor === undefined) {
      const stored = await this.logs.reconcileAttempt(ref.workflowId, ref.taskName, ref.retryId);
      // The lines before a replay's first record were stored one a record when they were written.
      const first = batch.records[0]?.seq ?? 0;
      cursor = { next: first, skip: Math.max(0, stored - first) };
      this.cursors.set(key, cursor);
    }
    const lines: string[] = [];
    for (const record of batch.records) {
      if (record.seq < cursor.next) continue;
      cursor.next = record.seq + 1;
      const line = formatLogLine(record, ref.taskName, ref.retryId);
      if (line === null) continue;
      if (cursor.skip > 0) {
        cursor.skip -= 1;
        continue;
      }
      lines.push(`${line}\n`);
    }
    await this.logs.append(ref.workflowId, ref.taskName, ref.retryId, lines);
  }

  /** An ended attempt sends no more lines: its counter would only grow the map. */
  forget(ref: AttemptLogBatch['ref']): void {
    this.cursors.delete(attemptKey(ref));
  }
}
