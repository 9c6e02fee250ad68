// The exec handler of the router: the first client message sizes the terminal, the backend opens it
// in the task, and bytes flow both ways until the command ends (closed with its exit status) or the
// client goes (the command is hung up).
import { backendOfAttempt } from '../../controller/attempt-backend.js';
import type { Backend } from '../../controller/backend-set.js';
import { OsmoError } from '../../core/index.js';
import {
  EXEC_ENVIRONMENT,
  EXIT_CLOSE_CODE,
  exitCloseReason,
  FAILED_CLOSE_CODE,
  parseClientMessage,
  parseTerminalSize,
} from '../contract/exec-protocol.js';
import type { ActionSession } from './router.js';
import { closeSocket, messageBytes, streamToSocket, writeFromSocket } from './socket-stream.js';

/** The backend's terminal, named through the engine's context (the API does not import backends). */
type TerminalSession = Awaited<ReturnType<NonNullable<Backend['openTerminal']>>>;

export interface ExecPayload {
  /** The entry command, split into words. */
  readonly command: readonly string[];
}

/** How long a client may take to send the terminal size before the session is given up. */
const FIRST_MESSAGE_TIMEOUT_MS = 60_000;

export function serveExec({ socket, grant, deps, meter: meterOf }: ActionSession): void {
  const { command } = grant.payload as ExecPayload;
  const meter = meterOf('EXEC');
  const backend = backendOfAttempt(deps.ctx, grant.ref);
  let terminal: TerminalSession | null = null;
  let opening = false;
  let clientGone = false;
  // Keystrokes typed while the terminal opens are kept, in order, for it.
  const early: Uint8Array[] = [];

  const fail = (message: string): void => closeSocket(socket, FAILED_CLOSE_CODE, message);
  const firstTimer = setTimeout(() => fail('No terminal size was sent'), FIRST_MESSAGE_TIMEOUT_MS);

  // A resize may take a round trip to the engine: keystrokes typed after it wait for it, so a
  // command typed after a resize sees the new size.
  let resizing: Promise<void> | null = null;
  const handle = (bytes: Uint8Array): void => {
    const open = terminal;
    if (open === null) {
      early.push(bytes);
      return;
    }
    const message = parseClientMessage(bytes);
    const apply = (): void => {
      if (message.kind === 'input') {
        meter?.input(message.bytes.length);
        return writeFromSocket(socket, open.stream, message.bytes);
      }
      const done = Promise.resolve(open.resize(message.size.rows, message.size.cols)).catch(() => undefined);
      resizing = (resizing ?? Promise.resolve()).then(() => done);
      const mine = resizing;
      void mine.then(() => {
        if (resizing === mine) resizing = null;
      });
    };
    if (resizing === null) apply();
    else resizing = resizing.then(apply);
  };

  socket.on('message', (data) => {
    const bytes = messageBytes(data);
    if (opening || terminal !== null) return handle(bytes);
    opening = true;
    clearTimeout(firstTimer);
    const size = parseTerminalSize(bytes.toString('utf8'));
    if (size === null) return fail('The first message must be the terminal size {"Rows": r, "Cols": c}');
    void backend
      .then((found) => {
        if (found === null) throw new Error('The backend of this workflow is not running');
        if (found.openTerminal === undefined) throw new Error(`The ${found.kind} backend offers no exec`);
        const request = { command, rows: size.rows, cols: size.cols, environment: EXEC_ENVIRONMENT };
        return found.openTerminal(grant.ref, request);
      })
      .then(
        (opened) => {
          if (clientGone) return opened.close();
          terminal = opened;
          streamToSocket(opened.stream, socket, meter);
          for (const bytes of early.splice(0)) handle(bytes);
          // The output is sent in full before the close that carries the exit status.
          let ended = false;
          let status: number | null | undefined;
          const finish = (): void => {
            if (ended && status !== undefined) closeSocket(socket, EXIT_CLOSE_CODE, exitCloseReason(status));
          };
          const markEnded = (): void => {
            ended = true;
            finish();
          };
          for (const event of ['end', 'close', 'error']) opened.stream.once(event, markEnded);
          void opened.exit.then((code) => {
            status = code;
            finish();
          });
        },
        (err: unknown) => fail(err instanceof OsmoError || err instanceof Error ? err.message : String(err)),
      );
  });
  socket.on('close', () => {
    clientGone = true;
    clearTimeout(firstTimer);
    terminal?.close();
  });
  socket.on('error', () => terminal?.close());
}
