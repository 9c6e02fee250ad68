// The local side of `osmo workflow exec`: raw bytes of this process's stdin and stdout, raw mode
// while a session runs on a terminal, and its window size as it changes.
import type { Readable, Writable } from 'node:stream';
import type { TerminalSize } from '../../../api/contract/exec-protocol.js';

export interface LocalTerminal {
  readonly input: Readable;
  readonly output: Writable;
  /** stdin is a terminal: keystrokes go through raw (Ctrl-C reaches the task, not this process). */
  readonly interactive: boolean;
  size(): TerminalSize;
  /** Calls `listener` on every window resize; returns the unsubscribe function. */
  onResize(listener: (size: TerminalSize) => void): () => void;
  setRaw(raw: boolean): void;
}

const DEFAULT_SIZE: TerminalSize = { rows: 24, cols: 80 };

export function processTerminal(): LocalTerminal {
  const stdin = process.stdin;
  const stdout = process.stdout;
  const size = (): TerminalSize =>
    stdout.isTTY && stdout.rows > 0 && stdout.columns > 0
      ? { rows: stdout.rows, cols: stdout.columns }
      : DEFAULT_SIZE;
  return {
    input: stdin,
    output: stdout,
    interactive: stdin.isTTY === true,
    size,
    onResize: (listener) => {
      // Node turns SIGWINCH into stdout's 'resize' event on a terminal.
      const handler = (): void => listener(size());
      stdout.on('resize', handler);
      return () => stdout.off('resize', handler);
    },
    setRaw: (raw) => {
      if (stdin.isTTY) stdin.setRawMode(raw);
    },
  };
}
