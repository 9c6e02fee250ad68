// Writes the log batches backends report into the log store, one append per batch.
import type { AttemptLogBatch } from '../core/index.js';
import { formatLogLine } from '../runtime/index.js';
import type { EngineContext } from './context.js';
import { attemptKey } from './context.js';

/**
 * Appends log batches in order. A recovering backend replays an attempt from seq 0, so records the
 * store already holds are skipped, by counting the attempt's stored lines once per service start.
 */
export class LogWriter {
  private readonly nextSeq = new Map<string, number>();

  constructor(private readonly ctx: EngineContext) {}

  async write(batch: AttemptLogBatch): Promise<void> {
    const { ref } = batch;
    const key = attemptKey(ref);
    let next = this.nextSeq.get(key);
    next ??= await this.ctx.logs.attemptLineCount(ref.workflowId, ref.taskName, ref.retryId);
    const lines: string[] = [];
    for (const record of batch.records) {
      if (record.seq < next) continue;
      next = record.seq + 1;
      const line = formatLogLine(record, ref.taskName, ref.retryId);
      if (line !== null) lines.push(`${line}\n`);
    }
    this.nextSeq.set(key, next);
    await this.ctx.logs.append(ref.workflowId, ref.taskName, ref.retryId, lines);
  }

  /** An ended attempt sends no more lines: its counter would only grow the map. */
  forget(ref: AttemptLogBatch['ref']): void {
    this.nextSeq.delete(attemptKey(ref));
  }
}
