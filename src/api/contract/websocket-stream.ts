// How a byte stream rides a router WebSocket, on both ends (service and CLI): binary frames carry the
// bytes, an empty frame ends one direction, closing either side ends both; neither side ever holds more
// than a bounded amount of the other's bytes in memory.
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';

/** Above this many bytes queued on the WebSocket, reading from the stream stops until it drains. */
const HIGH_WATER_BYTES = 1 << 20;
/** Frames carry at most this much (upstream copies in 32 KiB buffers on the task side). */
export const COPY_CHUNK_BYTES = 32 * 1024;

/** The bytes of one received frame, whatever shape `ws` delivered them in. */
export function frameBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export interface HeldFrames {
  /** Stops holding; answers the frames received so far, oldest first. */
  release(): Buffer[];
}

/**
 * Keeps the frames that arrive before their consumer is ready (the task side is still being opened):
 * the socket is paused at once, and `release` hands over what came meanwhile.
 */
export function holdFrames(ws: WebSocket): HeldFrames {
  const held: Buffer[] = [];
  const keep = (data: RawData): void => void held.push(frameBytes(data));
  ws.on('message', keep);
  ws.pause();
  return {
    release() {
      ws.off('message', keep);
      return held;
    },
  };
}

/** Counts what passes, as it passes: `input` the socket's bytes into the stream, `output` the other way. */
export interface PipeMeter {
  input(bytes: number): void;
  output(bytes: number): void;
}

export interface PipeEnd {
  /** Bytes from the stream sent to the socket, and bytes from the socket written to the stream. */
  readonly sent: number;
  readonly received: number;
}

/**
 * Copies bytes both ways between an open WebSocket and a stream (a TCP connection, a child's stdio)
 * until either ends; resolves once both are closed. A slow reader on either side pauses the other:
 * the socket is paused while the stream's buffer is full, the stream while the socket's is.
 */
export function pipeWebSocket(
  ws: WebSocket,
  stream: Duplex,
  early: readonly Buffer[] = [],
  meter: PipeMeter | null = null,
): Promise<PipeEnd> {
  let sent = 0;
  let received = 0;
  let streamEnded = false;
  let socketEnded = false;
  return new Promise((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      stream.destroy();
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000);
      resolve({ sent, received });
    };
    const maybeFinish = (): void => {
      if (streamEnded && socketEnded) finish();
    };

    const onFrame = (bytes: Buffer): void => {
      if (bytes.length === 0) {
        // The other side finished sending: half-close, so a reply can still come back.
        socketEnded = true;
        stream.end();
        maybeFinish();
        return;
      }
      received += bytes.length;
      meter?.input(bytes.length);
      if (!stream.write(bytes)) {
        ws.pause();
        stream.once('drain', () => ws.resume());
      }
    };
    for (const bytes of early) onFrame(bytes);
    ws.on('message', (data: RawData) => onFrame(frameBytes(data)));
    if (ws.isPaused && stream.writableNeedDrain !== true) ws.resume();
    ws.on('close', finish);
    ws.on('error', finish);

    let paused = false;
    const afterSend = (err?: Error): void => {
      if (err) return finish();
      if (paused && ws.bufferedAmount < HIGH_WATER_BYTES / 2) {
        paused = false;
        stream.resume();
      }
    };
    stream.on('data', (chunk: Buffer) => {
      meter?.output(chunk.length);
      for (let at = 0; at < chunk.length; at += COPY_CHUNK_BYTES) {
        const part = chunk.subarray(at, at + COPY_CHUNK_BYTES);
        sent += part.length;
        ws.send(part, { binary: true }, afterSend);
      }
      if (ws.bufferedAmount >= HIGH_WATER_BYTES && !paused) {
        paused = true;
        stream.pause();
      }
    });
    stream.on('end', () => {
      streamEnded = true;
      if (ws.readyState === ws.OPEN) ws.send(Buffer.alloc(0), { binary: true });
      maybeFinish();
    });
    stream.on('error', finish);
    // A closed stream can take no more bytes either (a reset, a child gone): the pair is over.
    stream.on('close', finish);
  });
}
