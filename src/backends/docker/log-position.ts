// Where a reader of a container's timestamped log has got to, so that a second read skips what it saw.

/** Nanoseconds since the epoch, from the engine's RFC 3339 stamp (fraction of any length, Z or offset). */
export function stampNanos(stamp: string): bigint | null {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(stamp);
  if (m === null) return null;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return null;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** A frame's data as `timestamps: true` sends it: the stamp, one space, then what the task wrote. */
export function splitTimestamp(data: Buffer): { at: bigint; data: Buffer } | null {
  const space = data.indexOf(0x20);
  if (space < 0 || space > 40) return null;
  const at = stampNanos(data.subarray(0, space).toString('latin1'));
  return at === null ? null : { at, data: data.subarray(space + 1) };
}

/**
 * The latest stamp read and how many frames carried it. Stamps never go back within one log, so a
 * frame is new when its stamp is later, or equal and past the count already read at that stamp.
 */
export class LogPosition {
  private last: bigint | null = null;
  private atLast = 0;

  /** Whole seconds to ask the engine for (`since` is inclusive and second-grained on some engines). */
  sinceSeconds(): number | null {
    return this.last === null ? null : Number(this.last / 1_000_000_000n);
  }

  /** For one read from `sinceSeconds()`: true for a frame already read, and records the rest. */
  skipper(): (at: bigint) => boolean {
    const last = this.last;
    const knownAtLast = this.atLast;
    let repeatsAtLast = 0;
    return (at) => {
      if (last !== null && at < last) return true;
      if (last !== null && at === last && repeatsAtLast < knownAtLast) {
        repeatsAtLast++;
        return true;
      }
      if (this.last === at) this.atLast++;
      else {
        this.last = at;
        this.atLast = 1;
      }
      return false;
    };
  }
}
