// Byte copy between a router WebSocket and a stream, with back-pressure both ways: a slow reader on
// either side pauses the other instead of making the service buffer without bound.
import type { Readable, Writable } from 'node:stream';
import { WebSocket, type RawData } from 'ws';

/** Bytes queued on a socket before its source is paused (resumed below half of it). */
const SOCKET_HIGH_WATER = 1 << 20;
/** A close reason is at most 123 bytes on the wire. */
const MAX_REASON_BYTES = 123;

export const messageBytes = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);

/** Sends what `source` produces as binary messages, pausing it while the socket is behind. */
export function streamToSocket(
  source: Readable,
  socket: WebSocket,
  meter: { output(bytes: number): void } | null = null,
): void {
  source.on('data', (chunk: Buffer) => {
    if (socket.readyState !== WebSocket.OPEN) return;
    meter?.output(chunk.length);
    socket.send(chunk, { binary: true }, () => {
      if (source.isPaused() && socket.bufferedAmount < SOCKET_HIGH_WATER / 2) source.resume();
    });
    if (socket.bufferedAmount >= SOCKET_HIGH_WATER) source.pause();
  });
}

/** Writes one received message to `sink`; while the sink is full, the socket is not read. */
export function writeFromSocket(socket: WebSocket, sink: Writable, bytes: Uint8Array): void {
  if (sink.destroyed || sink.writableEnded) return;
  if (!sink.write(bytes) && !socket.isPaused) {
    socket.pause();
    sink.once('drain', () => socket.resume());
  }
}

/** Closes with a reason cut to what the protocol carries. */
export function closeSocket(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === WebSocket.CLOSED || socket.readyState === WebSocket.CLOSING) return;
  let bytes = Buffer.from(reason, 'utf8');
  if (bytes.length > MAX_REASON_BYTES) bytes = bytes.subarray(0, MAX_REASON_BYTES);
  // A cut in the middle of a UTF-8 sequence would make the close frame invalid.
  socket.close(code, bytes.toString('utf8').replace(/\uFFFD+$/, ''));
}
