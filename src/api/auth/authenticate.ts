// Checks every request against its route's declared access rule, in one place.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OsmoError } from '../../core/index.js';
import type { Caller } from './caller.js';
import { isAdmin } from './caller.js';
import type { SigningKey } from './jwt.js';
import { verifyAccessToken } from './jwt.js';

const unauthenticated = (why: string): OsmoError =>
  new OsmoError('USER', `Authentication required: ${why}. Log in again with "osmo login".`, 401);

export function installAuthentication(app: FastifyInstance, key: SigningKey, nowSeconds: () => number): void {
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request) => {
    // Unknown paths fall through to the not-found handler, which reveals nothing.
    if (request.routeOptions.url === undefined) return;
    const access = request.routeOptions.config.access;
    if (access === undefined) {
      throw new OsmoError('USER', 'access denied: this endpoint declares no access rule', 403);
    }
    if (access === 'public') return;
    const caller = callerFromRequest(request, key, nowSeconds());
    if (access === 'admin' && !isAdmin(caller)) throw new OsmoError('USER', 'access denied', 403);
    request.caller = caller;
  });
}

function callerFromRequest(request: FastifyRequest, key: SigningKey, now: number): Caller {
  const header = request.headers.authorization ?? request.headers['x-osmo-auth'];
  const raw = Array.isArray(header) ? header[0] : header;
  if (!raw) throw unauthenticated('no access token was sent');
  const token = raw.startsWith('Bearer ') ? raw.slice('Bearer '.length).trim() : raw.trim();
  const verified = verifyAccessToken(key, token, now);
  if (!verified.ok) {
    throw unauthenticated(
      verified.reason === 'expired' ? 'the access token has expired' : 'the access token is invalid',
    );
  }
  return {
    user: verified.claims.unique_name,
    roles: verified.claims.roles,
    tokenName: verified.claims.osmo_token_name ?? null,
  };
}
