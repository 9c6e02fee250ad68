// The CLI's two output channels and what each is connected to: a terminal, its width, colour (style.md R13).

export interface Io {
  /** Text for stdout, written as given (callers add newlines). */
  out(text: string): void;
  /** Text for stderr. */
  err(text: string): void;
  /** stdout is a terminal. */
  readonly isTty: boolean;
  /** stderr is a terminal: progress bars redraw only there, never into a redirected file. */
  readonly errIsTty: boolean;
  /** ANSI colour may be written to stdout: a terminal, `NO_COLOR` unset and `TERM` not `dumb`. */
  readonly colour: boolean;
  /** The terminal's width in columns for that stream, read when asked (windows resize); undefined when not a terminal. */
  columns(stream: 'out' | 'err'): number | undefined;
  /**
   * How tables are laid out: `wide` (the root `--wide` flag) keeps every cell whole on a terminal too.
   * Set once the command line is parsed.
   */
  readonly layout: { wide: boolean };
}

export interface CapturedIo extends Io {
  stdout(): string;
  stderr(): string;
}

/** What the environment says about colour (read by config/, passed in). */
export interface ColourEnvironment {
  /** `NO_COLOR` set to anything non-empty (no-color.org). */
  readonly noColor?: boolean;
  /** `TERM=dumb`: a terminal that understands no escape sequences. */
  readonly dumbTerminal?: boolean;
}

const widthOf = (stream: NodeJS.WriteStream): number | undefined =>
  stream.isTTY === true && stream.columns > 0 ? stream.columns : undefined;

/** The real streams of this process. */
export function processIo(env: ColourEnvironment = {}): Io {
  const isTty = process.stdout.isTTY === true;
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    isTty,
    errIsTty: process.stderr.isTTY === true,
    colour: isTty && env.noColor !== true && env.dumbTerminal !== true,
    columns: (stream) => widthOf(stream === 'out' ? process.stdout : process.stderr),
    layout: { wide: false },
  };
}

/** A buffer-backed Io for tests; a "terminal" one is `columns` wide and coloured unless told otherwise. */
export function captureIo(
  isTty = false,
  options: { readonly columns?: number; readonly colour?: boolean; readonly errIsTty?: boolean } = {},
): CapturedIo {
  let out = '';
  let err = '';
  const columns = isTty ? (options.columns ?? 80) : undefined;
  return {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    isTty,
    errIsTty: options.errIsTty ?? isTty,
    colour: isTty && (options.colour ?? true),
    columns: () => columns,
    layout: { wide: false },
    stdout: () => out,
    stderr: () => err,
  };
}

const SGR = { red: 31, green: 32, yellow: 33, blue: 34, cyan: 36, bold: 1, dim: 2 } as const;
export type ColourName = keyof typeof SGR;

/** Wraps text in an ANSI colour only when stdout takes colour. */
export function colour(io: Io, code: ColourName, text: string): string {
  return io.colour ? paint(code, text) : text;
}

/** The escape sequence itself, for callers that already decided colour is wanted. */
export const paint = (code: ColourName, text: string): string => `\u001b[${SGR[code]}m${text}\u001b[0m`;
