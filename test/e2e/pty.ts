// Runs the real `osmo` executable on a pseudo-terminal (node-pty), as a person at a terminal would.
import { spawn } from 'node-pty';
import { OSMO_BIN } from './harness.js';

export interface PtyResult {
  readonly code: number;
  /** Everything the terminal showed (stdout and stderr together), `\r\n` turned into `\n`. */
  readonly screen: string;
}

export interface PtyOptions {
  readonly columns?: number;
  readonly env?: Readonly<Record<string, string>>;
  /** Run through `sh -c` instead, with `$OSMO` naming the executable (for redirections). */
  readonly shell?: string;
  readonly timeoutMs?: number;
}

/** `osmo <args>` on a terminal `columns` wide, with its own config directory. */
export function osmoOnPty(
  configDir: string,
  args: readonly string[],
  options: PtyOptions = {},
): Promise<PtyResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'NO_COLOR') env[k] = v;
  Object.assign(
    env,
    { OSMO_CONFIG_FILE_DIR: configDir, TERM: 'xterm-256color', OSMO: OSMO_BIN },
    options.env,
  );
  const [file, argv] =
    options.shell === undefined
      ? [process.execPath, [OSMO_BIN, ...args]]
      : ['/bin/sh', ['-c', options.shell]];
  const term = spawn(file, argv, { cols: options.columns ?? 80, rows: 50, env, cwd: process.cwd() });
  let screen = '';
  term.onData((d) => (screen += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      term.kill();
      reject(new Error(`osmo ${args.join(' ')} timed out on the terminal:\n${screen}`));
    }, options.timeoutMs ?? 60_000);
    term.onExit(({ exitCode }) => {
      clearTimeout(timer);
      // The last output can arrive just after the exit is reported.
      setTimeout(() => resolve({ code: exitCode, screen: screen.replace(/\r\n/g, '\n') }), 50);
    });
  });
}

/** The text with ANSI escape sequences removed. */
export const ESC = '\u001b';
const SGR_SEQUENCE = new RegExp(`${ESC}\\[[0-9;]*[A-Za-z]`, 'g');
export const stripAnsi = (text: string): string => text.replace(SGR_SEQUENCE, '');
/** Some status word painted in one of the status colours. */
export const COLOURED_STATUS = new RegExp(
  `${ESC}\\[3[1-6]m(PENDING|RUNNING|COMPLETED|FAILED\\w*)${ESC}\\[0m`,
);

/** `osmo <args>` on a terminal that a test types into, resizes and reads, while it runs. */
export interface InteractivePty {
  /** Types `text` as keystrokes. */
  type(text: string): void;
  resize(columns: number, rows: number): void;
  /** Resolves with the screen once `pattern` shows (after `from`, an offset into the screen). */
  waitFor(pattern: RegExp, from?: number, timeoutMs?: number): Promise<string>;
  /** Everything shown so far, `\r\n` turned into `\n`. */
  screen(): string;
  readonly exited: Promise<number>;
  kill(): void;
}

export function osmoInteractive(
  configDir: string,
  args: readonly string[],
  options: { columns?: number; rows?: number } = {},
): InteractivePty {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'NO_COLOR') env[k] = v;
  Object.assign(env, { OSMO_CONFIG_FILE_DIR: configDir, TERM: 'xterm-256color' });
  const term = spawn(process.execPath, [OSMO_BIN, ...args], {
    cols: options.columns ?? 80,
    rows: options.rows ?? 24,
    env,
    cwd: process.cwd(),
  });
  let shown = '';
  const waiters = new Set<() => void>();
  term.onData((d) => {
    shown += d;
    for (const wake of waiters) wake();
  });
  const exited = new Promise<number>((resolve) =>
    term.onExit(({ exitCode }) => {
      setTimeout(() => resolve(exitCode), 50);
      for (const wake of waiters) wake();
    }),
  );
  const screen = (): string => shown.replace(/\r\n/g, '\n');
  return {
    type: (text) => term.write(text),
    resize: (columns, rows) => term.resize(columns, rows),
    screen,
    exited,
    kill: () => term.kill(),
    waitFor: (pattern, from = 0, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(screen().slice(from))) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(screen());
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${String(pattern)} did not show in time; the terminal showed:\n${screen()}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
}
