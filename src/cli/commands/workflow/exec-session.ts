// The sessions of `osmo workflow exec`: the key request, then the router WebSocket, raw and
// interactive for a task, line-prefixed for every task of a group; keep-alive reconnects.
import type { WebSocket } from 'ws';
import { userError } from '../../../core/index.js';
import {
  encodeResize,
  encodeTerminalSize,
  isInteractiveShell,
  parseExitClose,
  type RouterResponse,
} from '../../../api/contract/exec-protocol.js';
import type { CliDeps } from '../../cli-deps.js';
import type { OsmoClient } from '../../client/osmo-client.js';
import { openRouterSocket } from '../../client/router-socket.js';
import { EarlyExit, ServiceError } from '../../errors.js';
import type { LocalTerminal } from './exec-terminal.js';

export interface ExecOptions {
  readonly workflowId: string;
  readonly task: string | undefined;
  readonly group: string | undefined;
  readonly entry: string;
  readonly connectTimeoutS: number;
  readonly keepAlive: boolean;
}

/** Upstream waits this long before a keep-alive reconnect. */
const RECONNECT_DELAY_MS = 10_000;
/** The exit status when the session broke without the command's own status. */
const EXIT_CONNECTION_CLOSED = 1;

export async function runExec(opts: ExecOptions, deps: CliDeps, local: LocalTerminal): Promise<void> {
  if ((opts.task === undefined) === (opts.group === undefined)) {
    throw userError('Specify either a task or --group.');
  }
  const client = await deps.client();
  const id = encodeURIComponent(opts.workflowId);
  if (opts.group !== undefined) {
    if (isInteractiveShell(opts.entry)) {
      throw userError(
        'Interactive commands are not supported for exec groups.Use "--entry" to specify a non-interactive command.',
      );
    }
    if (opts.keepAlive) throw userError('Keep-alive is not supported for exec groups.');
    const routers = (await client.postJson(
      `api/workflow/${id}/exec/group/${encodeURIComponent(opts.group)}`,
      {
        entry_command: opts.entry,
      },
    )) as Record<string, RouterResponse>;
    const statuses = await Promise.all(
      Object.entries(routers).map(([task, router]) =>
        runGroupMember(client, opts, task, router, local, deps),
      ),
    );
    const failed = statuses.find((s) => s !== 0);
    if (failed !== undefined) throw new EarlyExit(failed);
    return;
  }
  for (;;) {
    let outcome: SessionOutcome;
    try {
      const router = (await client.postJson(
        `api/workflow/${id}/exec/task/${encodeURIComponent(opts.task ?? '')}`,
        {
          entry_command: opts.entry,
        },
      )) as RouterResponse;
      const socket = await openRouterSocket(
        client,
        'exec',
        opts.workflowId,
        router,
        opts.connectTimeoutS * 1000,
      );
      outcome = await interactiveSession(socket, local);
    } catch (err) {
      // The service's own refusals (not running, unknown task) end it even with --keep-alive.
      const retryable = err instanceof ServiceError && (err.kind === 'server' || err.kind === 'connection');
      if (!opts.keepAlive || !retryable) throw err;
      outcome = { exitStatus: null, reason: err.message };
    }
    if (outcome.exitStatus !== null) {
      if (outcome.exitStatus !== 0) throw new EarlyExit(outcome.exitStatus);
      return;
    }
    local.output.write(`\n\rConnection Closed: ${outcome.reason}\n`);
    if (!opts.keepAlive) throw new EarlyExit(EXIT_CONNECTION_CLOSED);
    deps.io.out('Reconnecting to the exec session...\n');
    await deps.sleep(RECONNECT_DELAY_MS);
  }
}

interface SessionOutcome {
  /** The command's exit status; null when the session broke before it ended. */
  readonly exitStatus: number | null;
  readonly reason: string;
}

/** Keystrokes out (raw on a terminal), output in, window resizes forwarded, until the socket closes. */
function interactiveSession(socket: WebSocket, local: LocalTerminal): Promise<SessionOutcome> {
  socket.send(encodeTerminalSize(local.size()));
  if (local.interactive) local.setRaw(true);
  const onInput = (chunk: Buffer): void => {
    socket.send(chunk, { binary: true });
    // The socket is behind: stop reading keystrokes until it has sent what it holds.
    if (socket.bufferedAmount > 1 << 20) {
      local.input.pause();
      const resume = setInterval(() => {
        if (socket.bufferedAmount < 1 << 19 || socket.readyState !== socket.OPEN) {
          clearInterval(resume);
          local.input.resume();
        }
      }, 10);
    }
  };
  local.input.on('data', onInput);
  local.input.resume();
  const offResize = local.onResize((size) => socket.send(encodeResize(size)));
  socket.on('message', (data: Buffer) => {
    if (!local.output.write(data)) {
      socket.pause();
      local.output.once('drain', () => socket.resume());
    }
  });
  return new Promise((resolve) => {
    socket.once('close', (code, reasonBytes) => {
      local.input.off('data', onInput);
      local.input.pause();
      offResize();
      if (local.interactive) local.setRaw(false);
      const reason = reasonBytes.toString('utf8');
      const status = parseExitClose(code, reason);
      resolve({
        exitStatus: status === null ? null : status === 'unknown' ? EXIT_CONNECTION_CLOSED : status,
        reason: reason === '' ? `code ${code}` : reason,
      });
    });
    socket.on('error', () => undefined); // 'close' follows
  });
}

/** One task of a group exec: its output as `[task] line` lines; answers the command's exit status. */
async function runGroupMember(
  client: OsmoClient,
  opts: ExecOptions,
  task: string,
  router: RouterResponse,
  local: LocalTerminal,
  deps: CliDeps,
): Promise<number> {
  const socket = await openRouterSocket(client, 'exec', opts.workflowId, router, opts.connectTimeoutS * 1000);
  socket.send(encodeTerminalSize(local.size()));
  const decoder = new TextDecoder();
  let pending = '';
  const print = (line: string): void => deps.io.out(`[${task}] ${line.replace(/\r$/, '')}\n`);
  const emit = (text: string): void => {
    pending += text;
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
      print(pending.slice(0, end));
      pending = pending.slice(end + 1);
    }
  };
  socket.on('message', (data: Buffer) => emit(decoder.decode(data, { stream: true })));
  return new Promise((resolve) => {
    socket.once('close', (code, reasonBytes) => {
      emit(decoder.decode());
      if (pending !== '') print(pending);
      const reason = reasonBytes.toString('utf8');
      const status = parseExitClose(code, reason);
      if (status === null)
        deps.io.out(`[${task}] Connection Closed: ${reason === '' ? `code ${code}` : reason}\n`);
      resolve(status === null || status === 'unknown' ? EXIT_CONNECTION_CLOSED : status);
    });
    socket.on('error', () => undefined);
  });
}
