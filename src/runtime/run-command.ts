// Runs the user command without a shell in its own process group, streaming its output line by line.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { EXIT_CODES } from '../core/index.js';
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
  /** Told the pid of what was started (bwrap when sandboxed), once it started. */
  readonly onSpawn?: (pid: number) => void;
}

export type CommandOutcome =
  | { readonly kind: 'exited'; readonly exitCode: number }
  | { readonly kind: 'start-failed'; readonly message: string }
  /** bwrap itself failed before the command could start (the caller may retry unsandboxed). */
  | { readonly kind: 'sandbox-failed'; readonly message: string }
  | { readonly kind: 'stopped' };

export type OutputLine = (ioType: 'STDOUT' | 'STDERR', text: string) => void;

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
            '/bin/sh',
            '-c',
            EXEC_HELPER,
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
    if (child.pid !== undefined) spec.onSpawn?.(child.pid);
    let helperSaid: { started?: boolean; error?: string } = {};
    let spawnError: Error | null = null;
    let stopped = false;
    let killTimer: NodeJS.Timeout | null = null;

    const streams = [pipeLines(child.stdout, 'STDOUT', onLine), pipeLines(child.stderr, 'STDERR', onLine)];
    if (sandboxed && child.stdio[3] !== null && child.stdio[3] !== undefined) {
      const control = new LineSplitter();
      (child.stdio[3] as Readable).on('data', (chunk: Buffer) => {
        for (const line of control.push(chunk))
          helperSaid = { ...helperSaid, ...parseHelperLine(line, spec.command) };
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
        // In the sandbox bwrap's init stands between: it reports a signal as 128+N, as container inits do.
        const exitCode = code === null ? EXIT_CODES.SIGNALED : sandboxed ? initExitCode(code) : code;
        resolve({ kind: 'exited', exitCode });
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

/** What the exec helper says on fd 3: the program started, or the errno of why it cannot. */
function parseHelperLine(line: string, command: string): { started?: boolean; error?: string } {
  const word = line.trim();
  if (word === 'started') return { started: true };
  // The wording Node.js gives for the same failure, so messages read alike with and without the sandbox.
  if (word === 'ENOENT' || word === 'EACCES') return { error: `spawn ${command} ${word}` };
  return {}; // anything else on fd 3 is not the helper's
}

/**
 * The exit code of a command whose status came through an init process (bwrap's, a container's),
 * which reports a signal N as 128+N: reported as upstream's exec wrapper reports a signal, 255.
 * An exit code in that range chosen by the command itself reads the same; no init can tell them apart.
 */
export function initExitCode(code: number): number {
  return code > 128 && code <= 128 + 64 ? EXIT_CODES.SIGNALED : code;
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
