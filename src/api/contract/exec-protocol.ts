// The exec wire protocol over the router WebSocket, shared by the service, the CLI and the web UI:
// the first client message is the terminal size as JSON `{"Rows": r, "Cols": c}`, later messages are
// raw keystrokes, and a resize is one message of the bytes `\x00RESIZE:` followed by the same JSON.
// Output is raw terminal bytes. The end of the command closes the socket with its exit status.

export interface TerminalSize {
  readonly rows: number;
  readonly cols: number;
}

export const RESIZE_PREFIX = '\u0000RESIZE:';
/** A close with this code says the command ended; its reason is `exit <status>`. */
export const EXIT_CLOSE_CODE = 1000;
/** The session could not start or broke (the reason says why). */
export const FAILED_CLOSE_CODE = 1011;
const MAX_DIMENSION = 10_000;

/** What upstream's exec sets over the task's environment. */
export const EXEC_ENVIRONMENT: Readonly<Record<string, string>> = {
  TERM: 'xterm',
  HISTFILE: '/osmo/data/.bash_history',
  HISTSIZE: '1000',
  HISTFILESIZE: '2000',
  HISTCONTROL: 'ignoredups:ignorespace',
  PS1: '\\$ ',
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const sizeJson = (size: TerminalSize): string => JSON.stringify({ Rows: size.rows, Cols: size.cols });

export const encodeTerminalSize = (size: TerminalSize): Uint8Array<ArrayBuffer> =>
  encoder.encode(sizeJson(size));
export const encodeResize = (size: TerminalSize): Uint8Array<ArrayBuffer> =>
  encoder.encode(RESIZE_PREFIX + sizeJson(size));

/** A `{"Rows","Cols"}` object of positive integers, or null. */
export function parseTerminalSize(text: string): TerminalSize | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { Rows: rows, Cols: cols } = value as { Rows?: unknown; Cols?: unknown };
  const valid = (n: unknown): n is number =>
    Number.isInteger(n) && (n as number) > 0 && (n as number) <= MAX_DIMENSION;
  return valid(rows) && valid(cols) ? { rows, cols } : null;
}

export type ClientMessage =
  | { readonly kind: 'input'; readonly bytes: Uint8Array }
  | { readonly kind: 'resize'; readonly size: TerminalSize };

const PREFIX_BYTES = encoder.encode(RESIZE_PREFIX);

/** One client message after the first: a resize when it is one, else keystrokes. */
export function parseClientMessage(bytes: Uint8Array): ClientMessage {
  if (bytes.length > PREFIX_BYTES.length && PREFIX_BYTES.every((b, i) => bytes[i] === b)) {
    const size = parseTerminalSize(decoder.decode(bytes.subarray(PREFIX_BYTES.length)));
    if (size !== null) return { kind: 'resize', size };
  }
  return { kind: 'input', bytes };
}

export const exitCloseReason = (status: number | null): string => `exit ${status ?? 'unknown'}`;

/** The exit status a close carries: a number, 'unknown' when the backend could not tell, or null (no exit). */
export function parseExitClose(code: number, reason: string): number | 'unknown' | null {
  if (code !== EXIT_CLOSE_CODE) return null;
  const match = /^exit (\d+|unknown)$/.exec(reason);
  if (match === null) return null;
  return match[1] === 'unknown' ? 'unknown' : Number(match[1]);
}

/** The router path a client opens for an action key. */
export const routerClientPath = (kind: string, workflowId: string, key: string): string =>
  `/api/router/${kind}/${encodeURIComponent(workflowId)}/client/${encodeURIComponent(key)}`;

/** The REST answer of an action request: where to connect, with which one-time key. */
export interface RouterResponse {
  readonly router_address: string;
  readonly key: string;
  readonly cookie: string;
}

/** Entry commands that are interactive shells, refused for group exec (upstream's list). */
export const INTERACTIVE_SHELLS = ['bash', 'sh', 'zsh', 'fish', 'tcsh', 'csh', 'ksh'] as const;
export const isInteractiveShell = (entry: string): boolean =>
  INTERACTIVE_SHELLS.some((shell) => entry.trimEnd().endsWith(shell));
