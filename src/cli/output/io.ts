// The CLI's two output channels and whether stdout is a terminal (style.md R13).

export interface Io {
  /** Text for stdout, written as given (callers add newlines). */
  out(text: string): void;
  /** Text for stderr. */
  err(text: string): void;
  readonly isTty: boolean;
}

export interface CapturedIo extends Io {
  stdout(): string;
  stderr(): string;
}

/** The real streams of this process. */
export function processIo(): Io {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    isTty: process.stdout.isTTY === true,
  };
}

/** A buffer-backed Io for tests. */
export function captureIo(isTty = false): CapturedIo {
  let out = '';
  let err = '';
  return {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    isTty,
    stdout: () => out,
    stderr: () => err,
  };
}

/** Wraps text in an ANSI colour only when writing to a terminal. */
export function colour(io: Io, code: 'red' | 'green' | 'yellow' | 'bold', text: string): string {
  if (!io.isTty) return text;
  const open = { red: 31, green: 32, yellow: 33, bold: 1 }[code];
  return `\u001b[${open}m${text}\u001b[0m`;
}
