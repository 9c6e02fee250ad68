// The terminal of the Shell tab (xterm.js, a chunk of its own): the exec protocol the CLI speaks, over
// the router WebSocket, with the session's token offered as a subprotocol.
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef } from 'react';
import {
  encodeResize,
  encodeTerminalSize,
  parseExitClose,
  routerClientPath,
} from '../../../src/api/contract/exec-protocol.js';
import { bearerProtocols } from '../../../src/api/contract/websocket-auth.js';
import { apiJson } from '../api/client.js';
import { accessToken } from '../api/session.js';

export interface ShellTerminalProps {
  readonly workflow: string;
  readonly task: string;
  readonly shell: string;
  /** The session ended: why, in words. */
  readonly onEnd: (message: string) => void;
}

const encoder = new TextEncoder();

export default function ShellTerminal({ workflow, task, shell, onEnd }: ShellTerminalProps) {
  const element = useRef<HTMLDivElement>(null);
  const ended = useRef(onEnd);
  ended.current = onEnd;

  useEffect(() => {
    const host = element.current;
    if (host === null) return;
    const terminal = new Terminal({ cursorBlink: true, fontSize: 13, scrollback: 5_000 });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(host);
    // A hidden tab has no size to fit to: the terminal keeps its last one until it is shown again.
    const refit = (): void => {
      if (host.clientWidth > 0 && host.clientHeight > 0) fit.fit();
    };
    refit();
    let socket: WebSocket | null = null;
    let disposed = false;
    const finish = (message: string): void => {
      if (!disposed) ended.current(message);
    };
    const open = (): boolean => socket?.readyState === WebSocket.OPEN;

    void (async () => {
      const grant = await apiJson<{ key: string }>(
        `/api/workflow/${encodeURIComponent(workflow)}/exec/task/${encodeURIComponent(task)}`,
        { method: 'POST', query: { entry_command: shell } },
      );
      const token = await accessToken();
      if (token === null) return finish('You are signed out.');
      if (disposed) return;
      // The service is its own router and served this page: its origin is the one the browser reaches.
      const origin = window.location.origin.replace(/^http/, 'ws');
      socket = new WebSocket(
        `${origin}${routerClientPath('exec', workflow, grant.key)}`,
        bearerProtocols(token),
      );
      socket.binaryType = 'arraybuffer';
      socket.onopen = () => {
        socket?.send(encodeTerminalSize({ rows: terminal.rows, cols: terminal.cols }));
        terminal.focus();
      };
      socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) =>
        terminal.write(typeof event.data === 'string' ? event.data : new Uint8Array(event.data));
      socket.onclose = (event) => {
        const status = parseExitClose(event.code, event.reason);
        finish(
          status !== null
            ? `The shell exited with status ${status}.`
            : `The session ended${event.reason ? `: ${event.reason}` : ''}.`,
        );
      };
    })().catch((err: unknown) => finish(err instanceof Error ? err.message : String(err)));

    const input = terminal.onData((data) => {
      if (open()) socket?.send(encoder.encode(data));
    });
    const resize = terminal.onResize(({ rows, cols }) => {
      if (open()) socket?.send(encodeResize({ rows, cols }));
    });
    const observer = new ResizeObserver(refit);
    observer.observe(host);
    return () => {
      disposed = true;
      observer.disconnect();
      input.dispose();
      resize.dispose();
      socket?.close();
      terminal.dispose();
    };
  }, [workflow, task, shell]);

  return <div className="shell-terminal" ref={element} data-testid="shell-terminal" />;
}
