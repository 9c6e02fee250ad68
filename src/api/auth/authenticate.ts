// Checks every request against its route's declared access rule, in one place.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OsmoError } from '../../core/index.js';
import type { Store } from '../../store/index.js';
import type { Caller } from './caller.js';
import { isAdmin } from './caller.js';
import { callerFromClaims } from './caller-grant.js';
import type { SigningKey } from './jwt.js';
import { verifyAccessToken } from './jwt.js';

interface AuthenticationDeps {
  readonly key: SigningKey;
  readonly store: Store;
  readonly now: () => Date;
}

const unauthenticated = (why: string): OsmoError =>
  new OsmoError('USER', `Authentication required: ${why}. Log in again with "osmo login".`, 401);

export function installAuthentication(app: FastifyInstance, deps: AuthenticationDeps): void {
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request) => {
    // Unknown paths fall through to the not-found handler, which reveals nothing.
    if (request.routeOptions.url === undefined) return;
    const access = request.routeOptions.config.access;
    if (access === undefined) {
      throw new OsmoError('USER', 'access denied: this endpoint declares no access rule', 403);
    }
    if (access === 'public') return;
    const caller = await callerFromRequest(request, deps);
    if (access === 'admin' && !isAdmin(caller)) throw new OsmoError('USER', 'access denied', 403);
    request.caller = caller;
  });
}

async function callerFromRequest(request: FastifyRequest, deps: AuthenticationDeps): Promise<Caller> {
  const header = request.headers.authorization ?? request.headers['x-osmo-auth'];
  const raw = Array.isArray(header) ? header[0] : header;
  if (!raw) throw unauthenticated('no access token was sent');
  const token = raw.startsWith('Bearer ') ? raw.slice('Bearer '.length).trim() : raw.trim();
  const now = deps.now();
  const verified = verifyAccessToken(deps.key, token, Math.floor(now.getTime() / 1000));
  if (!verified.ok) {
    throw unauthenticated(
      verified.reason === 'expired' ? 'the access token has expired' : 'the access token is invalid',
    );
  }
  const caller = await callerFromClaims(deps.store, verified.claims, now);
  if (caller === null) {
    throw unauthenticated('the access token was revoked (logged out, token deleted or user removed)');
  }
  return caller;
}
