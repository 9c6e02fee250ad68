// Counting the bytes of a transfer as they pass, for progress bars and transfer metrics.
import { Transform, type Readable } from 'node:stream';

/** Told how many more bytes moved. */
export type ByteListener = (bytes: number) => void;

/** A stream passing through `source` unchanged that reports each chunk's size; errors carry over. */
export function countBytes(source: Readable, onBytes: ByteListener): Readable {
  const counter = new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      onBytes(typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length);
      done(null, chunk);
    },
  });
  source.once('error', (err) => counter.destroy(err));
  return source.pipe(counter);
}

/** A transform stage for `pipeline(...)` that reports each chunk's size. */
export function byteCounter(onBytes: ByteListener): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
}
