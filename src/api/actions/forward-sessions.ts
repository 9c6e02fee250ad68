// The service's side of port-forward and rsync sessions. A control socket (one per forwarded port)
// learns the key of each connection the client makes; the data socket with that key is then bridged
// to the task's port, or to an rsync daemon over the task's files. UDP needs no control step: its one
// socket carries every datagram.
import type { WebSocket } from 'ws';
import { backendOfAttempt } from '../../controller/attempt-backend.js';
import type { AttemptRef } from '../../core/index.js';
import type { ApiDeps } from '../deps.js';
import type { ActionHandler, ActionSession } from './router.js';
import type { ActionKeys, ActionKind } from './action-keys.js';
import { serveRsync, type RsyncLimits, type RsyncModule } from './rsync-daemon.js';
import { holdFrames } from '../contract/websocket-stream.js';
import { closeSocket, messageBytes } from './socket-stream.js';
import { bridgeTcp, bridgeUdp } from './task-port-bridge.js';

/** What a session's socket carries to or from the task. */
export type ForwardTarget =
  | { readonly target: 'tcp'; readonly port: number }
  | { readonly target: 'udp'; readonly port: number }
  | { readonly target: 'rsync'; readonly modules: readonly RsyncModule[]; readonly limits: RsyncLimits };

export type ForwardPayload = ForwardTarget & { readonly role: 'control' | 'data' };

/** Like the router's pairing wait: a connection key the client names must be used within a minute. */
const DATA_KEY_TTL_MS = 60_000;
/** How often a control session checks that its task still runs; it closes once it does not. */
const TASK_CHECK_MS = 5_000;

/** Closes the session's socket once its attempt is no longer the task's running one. */
function closeWhenTaskEnds(deps: ApiDeps, ref: AttemptRef, socket: WebSocket): void {
  const timer = setInterval(() => {
    void deps.store.tasks.getLatest(ref.workflowUuid, ref.taskName).then(
      (task) => {
        if (task === null || task.retryId !== ref.retryId || task.status !== 'RUNNING') {
          closeSocket(socket, 1001, `Task ${ref.taskName} is no longer running`);
        }
      },
      () => undefined,
    );
  }, TASK_CHECK_MS);
  socket.once('close', () => clearInterval(timer));
}

/** The address of the task's ports, or the socket is closed saying why. */
async function taskAddress(session: ActionSession): Promise<string | null> {
  try {
    const backend = await backendOfAttempt(session.deps.ctx, session.grant.ref);
    if (backend === null) throw new Error('The backend of this workflow is not running');
    if (!backend.taskAddress) throw new Error(`The ${backend.kind} backend does not forward ports`);
    return await backend.taskAddress(session.grant.ref);
  } catch (err) {
    closeSocket(session.socket, 1011, (err as Error).message);
    return null;
  }
}

async function serveData(session: ActionSession, payload: ForwardTarget): Promise<void> {
  // The client writes as soon as its socket opens; those bytes wait here while the task side opens.
  const held = holdFrames(session.socket);
  // An rsync connection rides a port-forward key: its bytes count as the rsync action's.
  const meter = session.meter(payload.target === 'rsync' ? 'RSYNC' : 'PORTFORWARD');
  if (payload.target === 'rsync') {
    return serveRsync(session.socket, payload.modules, payload.limits, held, meter);
  }
  const address = await taskAddress(session);
  if (address === null) return;
  if (payload.target === 'udp') {
    closeWhenTaskEnds(session.deps, session.grant.ref, session.socket);
    return bridgeUdp(session.socket, address, payload.port, held, meter);
  }
  return bridgeTcp(session.socket, address, payload.port, held, meter);
}

/** A control socket: each message names the key of one more connection to the same target. */
function serveControl(session: ActionSession, keys: ActionKeys, payload: ForwardTarget): void {
  const { socket, grant } = session;
  closeWhenTaskEnds(session.deps, grant.ref, socket);
  socket.on('message', (data) => {
    let key: unknown;
    try {
      key = (JSON.parse(messageBytes(data).toString('utf8')) as { key?: unknown }).key;
    } catch {
      key = undefined;
    }
    const connection: ForwardPayload = { ...payload, role: 'data' };
    // The key joins the shared table of outstanding keys, whose size is bounded there.
    if (
      typeof key !== 'string' ||
      !keys.adopt('PORTFORWARD', key, grant.user, grant.ref, connection, DATA_KEY_TTL_MS)
    ) {
      closeSocket(socket, 1008, 'A connection key must be a new PORTFORWARD-<32 hex> key');
    }
  });
}

/** The router's handlers for the kinds of key port-forward and rsync sessions use. */
export function forwardHandlers(keys: ActionKeys): Partial<Record<ActionKind, ActionHandler>> {
  const handle: ActionHandler = (session) => {
    const payload = session.grant.payload as ForwardPayload;
    const work =
      payload.role === 'control' && payload.target !== 'udp'
        ? Promise.resolve(serveControl(session, keys, payload))
        : serveData(session, payload);
    work.catch((err: unknown) => closeSocket(session.socket, 1011, (err as Error).message));
  };
  return { PORTFORWARD: handle, RSYNC: handle };
}
