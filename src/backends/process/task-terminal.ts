// `osmo workflow exec` on the process backend: a pseudo-terminal whose command enters the running
// task's sandbox (its mount, PID, IPC and UTS namespaces) and runs there as the task's own uid.
import { readFile } from 'node:fs/promises';
import { Duplex } from 'node:stream';
import { spawn as spawnPty, type IPty } from 'node-pty';
import type { TerminalRequest, TerminalSession } from '../backend.js';
import { userError } from '../../core/index.js';
import {
  attemptFile,
  hostProgram,
  osmoHostDir,
  SANDBOX_PROGRAM,
  type SandboxIdentity,
} from '../../runtime/index.js';

const NSENTER = 'nsenter';
const HOST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The pid of the process that holds the attempt's sandbox namespaces (bwrap's init, the first child
 * of the bwrap the runtime started), checked to be that attempt's bwrap so a reused pid is refused.
 */
async function sandboxInit(
  attemptDir: string,
): Promise<{ init: number; environment: Record<string, string> }> {
  const notRunning = userError('The task is not running in a sandbox that exec can enter.', 425);
  const pidText = await readFile(attemptFile(attemptDir, 'sandboxPid'), 'utf8').catch(() => null);
  const pid = Number(pidText);
  if (pidText === null || !Number.isInteger(pid) || pid <= 1) throw notRunning;
  const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
  const bind = argv.indexOf('--bind');
  const isOurs =
    (argv[0] ?? '').split('/').pop() === SANDBOX_PROGRAM &&
    argv.some(
      (arg, i) => arg === osmoHostDir(attemptDir) && argv[i - 1] === '--bind' && argv[i + 1] === '/osmo',
    );
  if (bind < 0 || !isOurs) throw notRunning;
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  const init = Number(children.trim().split(/\s+/)[0]);
  if (!Number.isInteger(init) || init <= 1) throw notRunning;
  // bwrap was started with exactly the command's environment, so this is what the task sees.
  const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
  const environment: Record<string, string> = {};
  for (const entry of environ.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) environment[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return { init, environment };
}

/**
 * nsenter arguments that land in the sandbox as the task does: its namespaces (its user namespace
 * too when it has one, keeping the uid), its root and working directory, then, as root, setpriv
 * drops to the task's uid with no capabilities, exactly as the task's own command was started.
 */
export function enterArguments(
  init: number,
  identity: SandboxIdentity | null,
  command: readonly string[],
): string[] {
  // The pty's session leader is nsenter, outside the task's PID namespace, where a shell inside
  // cannot give the terminal back to it (dash then fails its exit). As root, a session of its own
  // inside takes the terminal over; an unprivileged service cannot take it and keeps nsenter's.
  const drop =
    identity === null
      ? []
      : [
          hostProgram('setsid'),
          '--wait',
          '--ctty',
          hostProgram('setpriv'),
          `--reuid=${identity.uid}`,
          `--regid=${identity.gid}`,
          '--clear-groups',
          '--inh-caps=-all',
          '--bounding-set=-all',
          '--no-new-privs',
          '--',
        ];
  return ['--all', `--target=${init}`, '--root', '--wd', '--preserve-credentials', '--', ...drop, ...command];
}

export async function openSandboxTerminal(
  attemptDir: string,
  identity: SandboxIdentity | null,
  request: TerminalRequest,
): Promise<TerminalSession> {
  const { init, environment } = await sandboxInit(attemptDir);
  const pty = spawnPty(NSENTER, enterArguments(init, identity, request.command), {
    name: 'xterm',
    // Bytes both ways: a UTF-8 sequence split across two messages must not be mangled.
    encoding: null,
    cols: request.cols,
    rows: request.rows,
    cwd: '/',
    // nsenter itself is looked up on the host's PATH; what follows it sees only the task's.
    env: { ...environment, ...request.environment, PATH: environment.PATH ?? HOST_PATH },
  });
  return ptySession(pty);
}

/** A pty as a byte stream: output pauses the pty while the reader is behind. */
export function ptySession(pty: IPty): TerminalSession {
  let exited = false;
  let ended = false;
  const stream = new Duplex({
    read: () => {
      if (!ended) pty.resume();
    },
    write: (chunk: Buffer, _encoding, done) => {
      if (!exited) pty.write(chunk);
      done();
    },
  });
  // With `encoding: null` node-pty hands over Buffers, whatever its typings say.
  pty.onData((data: string | Buffer) => {
    if (ended) return;
    if (!stream.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : data)) pty.pause();
  });
  const exit = new Promise<number | null>((resolve) => {
    pty.onExit(({ exitCode, signal }) => {
      exited = true;
      // The last output can be reported just after the exit: it goes out before the end.
      setImmediate(() => {
        ended = true;
        stream.push(null);
        resolve(signal !== undefined && signal !== 0 ? 128 + signal : exitCode);
      });
    });
  });
  return {
    stream,
    exit,
    resize: (rows, cols) => {
      if (!exited) pty.resize(cols, rows);
    },
    close: () => {
      if (exited) return;
      try {
        pty.kill('SIGHUP');
      } catch {
        // Already gone: nothing to hang up.
      }
    },
  };
}
