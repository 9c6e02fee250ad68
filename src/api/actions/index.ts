/**
 * The action path: exec, port-forward, webserver and rsync into a running task, through the
 * service, which is its own router. The pieces, each generic over the action kind:
 *
 * - `action-keys.ts`: `ActionKeys.issue(kind, user, ref, payload)` mints a one-time
 *   `<KIND>-<32 hex>` key with a TTL; `take(key, user, workflowId)` hands its grant back once, to
 *   the same user, for the same workflow, before it expires.
 * - `action-targets.ts`: `actionTargets(deps, caller, workflow, {task} | {group})` checks the
 *   preconditions every action shares (the caller's own workflow or an admin; 410 finished, 425
 *   not running yet, 404 unknown or finished task) and answers the running attempts.
 * - `router.ts`: `installActionRouter` serves `GET /api/router/<kind>/<workflow>/client/<key>`: the
 *   key is taken before the WebSocket upgrade (a refused key gets an HTTP status, no socket) and the
 *   socket is handed to the handler registered for the grant's kind, which opens the task side
 *   through the backend (`Backend.openTerminal` for exec).
 * - `socket-stream.ts`: byte copy with back-pressure between a socket and a stream
 *   (`streamToSocket`, `writeFromSocket`) and `closeSocket` with a reason cut to fit.
 * - `router-address.ts`: the `router_address` a REST answer carries (this service, `ws(s)://`).
 * - `action-bytes.ts`: the bytes sessions relay per action and direction while telemetry is on;
 *   each handler asks its session for a meter (`ActionSession.meter`), `/metrics` reads the tally.
 *
 * A new kind adds its REST routes (issue keys after `actionTargets`), its handler in `ACTION_HANDLERS`
 * below, and, when it needs the task side, a backend method beside `openTerminal`.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import type { AnyRoute } from '../route-table.js';
import { ActionKeys, type ActionKind } from './action-keys.js';
import { ActionByteTally } from './action-bytes.js';
import { execRoutes } from './exec-routes.js';
import { serveExec } from './exec-session.js';
import { forwardRoutes } from './forward-routes.js';
import { forwardHandlers } from './forward-sessions.js';
import { installWebserverProxy, WebSessions } from './webserver-proxy.js';
import { installActionRouter, type ActionHandler } from './router.js';

export { ActionKeys, ACTION_KINDS, type ActionGrant, type ActionKind } from './action-keys.js';
export { ActionByteTally, type ActionByteTotal } from './action-bytes.js';
export { actionTargets, type ActionTarget } from './action-targets.js';
export { installActionRouter, type ActionHandler, type ActionSession } from './router.js';
export { closeSocket, messageBytes, streamToSocket, writeFromSocket } from './socket-stream.js';
export { routerAddress } from './router-address.js';

const ACTION_HANDLERS: Partial<Record<ActionKind, ActionHandler>> = {
  EXEC: serveExec,
};

export interface ActionPath {
  readonly keys: ActionKeys;
  /** Bytes relayed by sessions while telemetry is on, for `/metrics`. */
  readonly bytes: ActionByteTally;
  /** The REST routes that issue keys, for the app's route list. */
  readonly routes: readonly AnyRoute[];
  /** Registers the router WebSocket path (after authentication is installed). */
  install(app: FastifyInstance): void;
  /** Registers the browser sessions' proxy, which must run before authentication and routing. */
  installWebProxy(app: FastifyInstance): void;
}

export function createActionPath(deps: ApiDeps, keys = new ActionKeys()): ActionPath {
  const webSessions = new WebSessions();
  const bytes = new ActionByteTally();
  return {
    keys,
    bytes,
    routes: [...execRoutes(deps, keys), ...forwardRoutes(deps, keys, webSessions)],
    installWebProxy: (app) => installWebserverProxy(app, deps, webSessions, bytes),
    install: (app) =>
      installActionRouter(app, deps, keys, { ...ACTION_HANDLERS, ...forwardHandlers(keys) }, bytes),
  };
}
