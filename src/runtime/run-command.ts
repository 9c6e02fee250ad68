// Runs the user command without a shell in its own process group, streaming its output line by line.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { LineSplitter } from './line-splitter.js';
import { EXEC_HELPER, SANDBOX_PROGRAM, type SandboxCommand } from './sandbox.js';

export interface CommandSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** The bwrap command when the command runs in the sandbox; null runs it directly on the host. */
  readonly sandbox: SandboxCommand | null;
  /** Between SIGTERM and SIGKILL of the process group when `signal` aborts. */
  readonly stopGraceMs: () => number;
}

export type CommandOutcome =
  | { readonly kind: 'exited'; readonly exitCode: number }
  | { readonly kind: 'start-failed'; readonly message: string }
  /** bwrap itself failed before the command could start (the caller may retry unsandboxed). */
  | { readonly kind: 'sandbox-failed'; readonly message: string }
  | { readonly kind: 'stopped' };

export type OutputLine = (ioType: 'STDOUT' | 'STDERR', text: string) => void;

/** Exit code reported for a command ended by a signal, as upstream's exec wrapper does (execution.md §12). */
export const SIGNALED_EXIT_CODE = 255;

const ORPHAN_PIPE_WAIT_MS = 5_000;

export function runCommand(
  spec: CommandSpec,
  onLine: OutputLine,
  signal: AbortSignal,
): Promise<CommandOutcome> {
  const sandboxed = spec.sandbox !== null;
  const [program, argv] =
    spec.sandbox !== null
      ? [
          SANDBOX_PROGRAM,
          [
            ...spec.sandbox.args,
            '--',
            ...spec.sandbox.exec,
            process.execPath,
            '-e',
            EXEC_HELPER,
            '--',
            spec.command,
            ...spec.args,
          ],
        ]
      : [spec.command, [...spec.args]];
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(program, argv, {
        cwd: spec.cwd,
        env: { ...spec.env },
        detached: true, // its own process group, so a stop reaches every process the command started
        stdio: ['ignore', 'pipe', 'pipe', sandboxed ? 'pipe' : 'ignore'],
      });
    } catch (err) {
      resolve({ kind: 'start-failed', message: err instanceof Error ? err.message : String(err) });
      return;
    }
    let helperSaid: { started?: boolean; error?: string } = {};
    let spawnError: Error | null = null;
    let stopped = false;
    let killTimer: NodeJS.Timeout | null = null;

    const streams = [pipeLines(child.stdout, 'STDOUT', onLine), pipeLines(child.stderr, 'STDERR', onLine)];
    if (sandboxed && child.stdio[3] !== null && child.stdio[3] !== undefined) {
      const control = new LineSplitter();
      (child.stdio[3] as Readable).on('data', (chunk: Buffer) => {
        for (const line of control.push(chunk)) helperSaid = { ...helperSaid, ...parseHelperLine(line) };
      });
    }
    const onAbort = (): void => {
      stopped = true;
      signalGroup(child, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(child, 'SIGKILL'), spec.stopGraceMs());
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });

    child.on('error', (err) => {
      spawnError = err;
    });
    child.on('close', (code, sig) => {
      signal.removeEventListener('abort', onAbort);
      if (killTimer !== null) clearTimeout(killTimer);
      void Promise.all(streams).then(() => {
        if (stopped) return resolve({ kind: 'stopped' });
        if (spawnError !== null) return resolve({ kind: 'start-failed', message: spawnError.message });
        if (sandboxed && helperSaid.error !== undefined)
          return resolve({ kind: 'start-failed', message: helperSaid.error });
        if (sandboxed && helperSaid.started !== true) {
          return resolve({
            kind: 'sandbox-failed',
            message: `${SANDBOX_PROGRAM} exited with ${code ?? sig}`,
          });
        }
        resolve({ kind: 'exited', exitCode: code === null ? SIGNALED_EXIT_CODE : code });
      });
    });
    // When the main process ends, what it left running in its group goes too, as in a container; a
    // process that escaped the group (setsid) may still hold the pipes, so stop waiting for them.
    child.on('exit', () => {
      signalGroup(child, 'SIGKILL');
      setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        (child.stdio[3] as Readable | null | undefined)?.destroy();
      }, ORPHAN_PIPE_WAIT_MS).unref();
    });
  });
}

function pipeLines(stream: Readable | null, ioType: 'STDOUT' | 'STDERR', onLine: OutputLine): Promise<void> {
  if (stream === null) return Promise.resolve();
  const splitter = new LineSplitter();
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer) => {
      for (const line of splitter.push(chunk)) onLine(ioType, line);
    });
    stream.on('close', () => {
      for (const line of splitter.end()) onLine(ioType, line);
      resolve();
    });
  });
}

function parseHelperLine(line: string): { started?: boolean; error?: string } {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null) return {};
    const record = value as Record<string, unknown>;
    if (typeof record['error'] === 'string') return { error: record['error'] };
    return record['started'] === true ? { started: true } : {};
  } catch {
    return {}; // the helper writes only JSON; anything else on fd 3 is not ours to interpret
  }
}

/** Signals the whole process group; an already finished group is not an error. */
export function signalGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
