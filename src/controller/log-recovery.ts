// Reads stored log files line by line after a restart, to find where an attempt's lines stand in each.
import { createReadStream } from 'node:fs';

/** `YYYY/MM/DD HH:MM:SS ` opens every stored record; a line without it continues the record before. */
const STAMP_LENGTH = 20;
const STAMP = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d $/;

export interface RecordScan {
  /** How many of the attempt's records the file holds. */
  readonly records: number;
  /** Byte offset just past the last complete line: a line cut by a crash lies beyond it. */
  readonly complete: number;
  readonly size: number;
  /** Byte offset where the attempt's record number `startOf` begins (the file's end when it has fewer). */
  readonly start: number;
}

/**
 * Counts the lines of `file` that open a record of the attempt tagged `tag` (`[task]`, `[task retry-1]`),
 * and notes where its record number `startOf` begins. Null when the file does not exist. Counting
 * records, not lines, keeps a runtime message that spans lines one record, as the writer wrote it.
 */
export async function scanRecords(file: string, tag: string, startOf = 0): Promise<RecordScan | null> {
  const headLength = STAMP_LENGTH + Buffer.byteLength(tag);
  let records = 0;
  let offset = 0;
  let lineStart = 0;
  let start = -1;
  let head = '';
  try {
    for await (const chunk of createReadStream(file)) {
      const bytes = chunk as Buffer;
      for (let from = 0; ;) {
        const newline = bytes.indexOf(0x0a, from);
        const end = newline === -1 ? bytes.length : newline;
        if (head.length < headLength) {
          head += bytes.toString('latin1', from, Math.min(end, from + headLength - head.length));
        }
        if (newline === -1) break;
        if (opensRecord(head, tag)) {
          if (records === startOf) start = lineStart;
          records += 1;
        }
        lineStart = offset + newline + 1;
        head = '';
        from = newline + 1;
      }
      offset += bytes.length;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return { records, complete: lineStart, size: offset, start: start === -1 ? lineStart : start };
}

function opensRecord(head: string, tag: string): boolean {
  // Tags are task names, which are ASCII, so comparing the line's bytes as latin1 is exact.
  return STAMP.test(head.slice(0, STAMP_LENGTH)) && head.startsWith(tag, STAMP_LENGTH);
}
