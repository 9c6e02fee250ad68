// Checks every request against its route's declared access rule, in one place.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OsmoError } from '../../core/index.js';
import { ReadCache, type Store } from '../../store/index.js';
import type { Caller } from './caller.js';
import { isAdmin } from './caller.js';
import { callerFromClaims } from './caller-grant.js';
import type { SigningKey, TokenVerifier } from './jwt.js';
import { cachedTokenVerifier } from './jwt.js';
import { tokenFromProtocols } from '../contract/websocket-auth.js';
import { isRouteOpenToTasks, TASK_SCOPE_REFUSAL } from './task-scope.js';

interface AuthenticationDeps {
  readonly key: SigningKey;
  readonly store: Store;
  readonly now: () => Date;
}

const unauthenticated = (why: string): OsmoError =>
  new OsmoError('USER', `Authentication required: ${why}. Log in again with "osmo login".`, 401);

export function installAuthentication(app: FastifyInstance, deps: AuthenticationDeps): void {
  // One RS256 check per token, not per request; revocation is read from the store again as soon as
  // a grant, a role or a user is written (and at least once a second).
  const verify = cachedTokenVerifier(deps.key);
  const callers = new ReadCache<Caller | null>(deps.store.writes, GRANT_TABLES);
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request) => {
    // Unknown paths fall through to the not-found handler, which reveals nothing.
    if (request.routeOptions.url === undefined) return;
    const access = request.routeOptions.config.access;
    if (access === undefined) {
      throw new OsmoError('USER', 'access denied: this endpoint declares no access rule', 403);
    }
    if (access === 'public') return;
    const caller = await callerFromRequest(request, deps, verify, callers);
    if (access === 'admin' && !isAdmin(caller)) throw new OsmoError('USER', 'access denied', 403);
    if (caller.taskScoped === true && !isRouteOpenToTasks(request.routeOptions.url)) {
      throw new OsmoError('USER', TASK_SCOPE_REFUSAL, 403);
    }
    request.caller = caller;
  });
}

/** A browser's WebSocket upgrade carries its token as a subprotocol; no other request may. */
function webSocketToken(request: FastifyRequest): string | undefined {
  if (request.headers.upgrade?.toLowerCase() !== 'websocket') return undefined;
  return tokenFromProtocols(request.headers['sec-websocket-protocol']) ?? undefined;
}

/** The tables that say whether a grant stands and which roles its user holds. */
const GRANT_TABLES = ['access_token', 'access_token_roles', 'user_roles', 'users'];

async function callerFromRequest(
  request: FastifyRequest,
  deps: AuthenticationDeps,
  verify: TokenVerifier,
  callers: ReadCache<Caller | null>,
): Promise<Caller> {
  const header = request.headers.authorization ?? request.headers['x-osmo-auth'];
  const raw = (Array.isArray(header) ? header[0] : header) ?? webSocketToken(request);
  if (!raw) throw unauthenticated('no access token was sent');
  const token = raw.startsWith('Bearer ') ? raw.slice('Bearer '.length).trim() : raw.trim();
  const now = deps.now();
  const verified = verify(token, Math.floor(now.getTime() / 1000));
  if (!verified.ok) {
    throw unauthenticated(
      verified.reason === 'expired' ? 'the access token has expired' : 'the access token is invalid',
    );
  }
  const { claims } = verified;
  // The claims that name the grant: one token's requests share the answer, other tokens never do.
  const grant = JSON.stringify([
    claims.unique_name,
    claims.osmo_token_name,
    claims.osmo_task,
    claims.osmo_session,
  ]);
  const caller = await callers.get(grant, () => callerFromClaims(deps.store, claims, now));
  if (caller === null) {
    throw unauthenticated('the access token was revoked (logged out, token deleted or user removed)');
  }
  return caller;
}
