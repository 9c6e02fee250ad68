// Answers of the most repeated reads (who a token speaks for, the workflow list an `osmo workflow
// list`, a UI tab or an agent polls), kept until a table they were read from is written again.
import type { WriteGenerations } from './write-generations.js';

interface Entry<T> {
  readonly generation: number;
  readonly at: number;
  readonly value: T;
}

/**
 * At most `capacity` answers, least recently used out first. An answer is reused while the tables it
 * was read from have not been written since (the count is noted before the read, so a write that
 * commits during it makes the answer stale at once) and it is younger than `maxAgeMs`: what the store
 * cannot count (another service on the same database, an expiry time, the clock in a link) is seen
 * that late at most.
 */
export class ReadCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  /**
   * The read under way for a key, by the count noted before it began. A request that misses while
   * one is under way at the same count waits for it instead of reading again: when a kept answer
   * ages out, every request of a busy poller misses at once, and on a database a round trip away
   * each used to run its own read (some fifty a second at fifty connections).
   */
  private readonly reading = new Map<string, { readonly generation: number; readonly value: Promise<T> }>();

  constructor(
    private readonly writes: WriteGenerations,
    private readonly tables: readonly string[],
    private readonly capacity = 1024,
    private readonly maxAgeMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The kept answer to `key`, or a fresh one from `read`, kept. */
  async get(key: string, read: () => Promise<T>): Promise<T> {
    const generation = this.writes.of(this.tables);
    const at = this.now();
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key);
      if (entry.generation === generation && at - entry.at < this.maxAgeMs) {
        this.entries.set(key, entry); // the most recently used goes last
        return entry.value;
      }
    }
    const under = this.reading.get(key);
    if (under !== undefined && under.generation === generation) return under.value;
    const value = read();
    const started = { generation, value };
    this.reading.set(key, started);
    try {
      const answer = await value;
      this.entries.set(key, { generation, at, value: answer });
      if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
      return answer;
    } finally {
      if (this.reading.get(key) === started) this.reading.delete(key);
    }
  }
}
