// The router side of the action path. The service is its own router: a client opens
// `/api/router/<kind>/<workflow>/client/<key>` with the key a REST call issued, and the service
// pairs it with the task side itself, through the backend, by the action's handler.
import websocketPlugin from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { userError } from '../../core/index.js';
import { WEBSOCKET_PROTOCOL } from '../contract/websocket-auth.js';
import type { ApiDeps } from '../deps.js';
import type { ActionGrant, ActionKeys, ActionKind } from './action-keys.js';
import { sessionMeter, type ActionByteTally, type ByteMeter, type MeteredAction } from './action-bytes.js';

/** Path kinds a client may name; like upstream, pairing is by key alone and the kind only informs. */
export const ROUTER_PATH_KINDS = ['exec', 'portforward', 'rsync', 'webserver'] as const;
/** The largest message a client may send (a keystroke burst, a resize, a port-forward chunk). */
const MAX_MESSAGE_BYTES = 1 << 20;

export interface ActionSession {
  readonly socket: WebSocket;
  readonly grant: ActionGrant;
  readonly deps: ApiDeps;
  readonly request: FastifyRequest;
  /**
   * Where the session counts the bytes it relays, as `action` (a port-forward key may carry an rsync
   * connection); null while telemetry is off. Asked once, when the session starts.
   */
  meter(action: MeteredAction): ByteMeter | null;
}

/** Upstream's one switch for the byte counters of every action kind. */
export const telemetryOn = (deps: ApiDeps): boolean =>
  deps.ctx.config.current().workflow.plugins_config.rsync.enable_telemetry;

/** Serves one paired session until either side ends it. */
export type ActionHandler = (session: ActionSession) => void;

declare module 'fastify' {
  interface FastifyRequest {
    actionGrant?: ActionGrant;
  }
}

/**
 * Registers the client router path. The key is checked before the upgrade, so a wrong, used or
 * expired key, another user's key or one of another workflow is refused with an HTTP status and
 * no WebSocket is opened; a valid key is taken then and never serves a second connection.
 */
export function installActionRouter(
  app: FastifyInstance,
  deps: ApiDeps,
  keys: ActionKeys,
  handlers: Partial<Record<ActionKind, ActionHandler>>,
  bytes: ActionByteTally,
): void {
  void app.register(websocketPlugin, {
    options: {
      maxPayload: MAX_MESSAGE_BYTES,
      // A browser offers the service's subprotocol beside its token's: only the former is answered.
      handleProtocols: (offered) => (offered.has(WEBSOCKET_PROTOCOL) ? WEBSOCKET_PROTOCOL : false),
    },
  });
  void app.register(async (scope) => {
    scope.route<{ Params: { kind: string; workflow: string; key: string } }>({
      method: 'GET',
      url: '/api/router/:kind/:workflow/client/:key',
      websocket: true,
      config: { access: 'user' },
      // A refused upgrade (no login, a bad key) answers over a socket the HTTP server has handed
      // over for the upgrade: once the refusal is sent nothing else would close it, and the open
      // socket would hold the service's shutdown forever.
      onResponse: (request, reply, done) => {
        if (reply.statusCode >= 400) request.raw.socket?.destroy();
        done();
      },
      preValidation: async (request) => {
        const { kind, workflow, key } = request.params;
        if (!(ROUTER_PATH_KINDS as readonly string[]).includes(kind)) {
          throw userError(`Unknown router path kind "${kind}"`, 404);
        }
        if (!request.ws) throw userError('This path takes a WebSocket connection only', 400);
        const grant = keys.take(key, request.caller?.user ?? '', workflow);
        if (grant === null) {
          throw userError('The session key is unknown, already used or expired; request a new session.', 403);
        }
        if (handlers[grant.kind] === undefined) throw userError(`No handler for ${grant.kind} sessions`, 500);
        request.actionGrant = grant;
      },
      handler: (socket, request) => {
        const grant = request.actionGrant as ActionGrant;
        const meter = (action: MeteredAction): ByteMeter | null =>
          sessionMeter(bytes, telemetryOn(deps), action);
        (handlers[grant.kind] as ActionHandler)({ socket, grant, deps, request, meter });
      },
    });
  });
}
