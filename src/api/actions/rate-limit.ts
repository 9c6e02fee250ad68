// A byte-rate cap as a stream stage: bytes pass at most `bytesPerSecond`, and a full stage stops the
// writer (ordinary stream back-pressure) instead of queueing.
import { Transform, type TransformCallback } from 'node:stream';

/** Bytes may burst up to this many seconds' worth after an idle spell. */
const BURST_SECONDS = 0.25;

/** A pass-through stream limited to `bytesPerSecond`; 0 means no limit. */
export function rateLimited(bytesPerSecond: number): Transform {
  if (bytesPerSecond <= 0) return new Transform({ transform: (chunk, _enc, done) => done(null, chunk) });
  const burst = Math.max(bytesPerSecond * BURST_SECONDS, 1);
  let tokens = burst;
  let last = performance.now();
  const refill = (): void => {
    const now = performance.now();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * bytesPerSecond);
    last = now;
  };
  return new Transform({
    highWaterMark: 64 * 1024,
    transform(this: Transform, chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      const pushSome = (rest: Buffer): void => {
        refill();
        if (tokens >= 1) {
          const n = Math.min(rest.length, Math.floor(tokens));
          tokens -= n;
          this.push(rest.subarray(0, n));
          rest = rest.subarray(n);
        }
        if (rest.length === 0) return done();
        const waitMs = Math.ceil(((Math.min(rest.length, burst) - tokens) / bytesPerSecond) * 1000);
        setTimeout(() => pushSome(rest), Math.max(waitMs, 1));
      };
      pushSome(chunk);
    },
  });
}
