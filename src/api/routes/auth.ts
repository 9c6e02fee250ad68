// Login discovery, the dev login, token refresh and logout (the dev login differs from upstream's, see docs/compatibility.md).
import { z } from 'zod';
import { userError } from '../../core/index.js';
import { jwks } from '../auth/jwt.js';
import type { SessionDeps } from '../auth/sessions.js';
import { closeSession, openDevSession, refreshAccess } from '../auth/sessions.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { IssuedAccess, IssuedSession, Jwks, LoginInfo } from '../contract/auth-wire.js';
import { Done } from '../contract/wire-registry.js';

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

/** The client id the CLI uses for the device and password flows this service serves itself. */
export const CLI_CLIENT_ID = 'osmo-cli';

/** Where the CLI logs in: the device and token endpoints this service serves at `baseUrl`. */
export const loginInfo = (baseUrl: string): LoginInfo => ({
  device_endpoint: `${baseUrl}/api/auth/device/code`,
  device_client_id: CLI_CLIENT_ID,
  browser_endpoint: null,
  browser_client_id: null,
  token_endpoint: `${baseUrl}/api/auth/token`,
  logout_endpoint: null,
});

export function authRoutes(
  deps: SessionDeps & { readonly devMode: boolean; readonly baseUrl: () => string },
): RouteList {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/auth/login',
      operationId: 'getLoginInfo',
      response: LoginInfo,
      summary: 'Login discovery: the device-authorization and token endpoints this service serves',
      access: 'public',
      handler: async () => loginInfo(deps.baseUrl()),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/auth/keys',
      operationId: 'getSigningKeys',
      response: Jwks,
      summary: 'The public keys that verify OSMO-issued access tokens',
      access: 'public',
      handler: async () => jwks(deps.key),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/auth/dev/login',
      operationId: 'devLogin',
      response: IssuedSession,
      summary: 'Username-only login, allowed only when the service runs in dev mode',
      access: 'public',
      body: z.object({ username: z.string() }),
      handler: async ({ body }) => {
        if (!deps.devMode) {
          throw userError('Dev login is disabled on this service: it is allowed only in dev mode.', 403);
        }
        if (!USERNAME.test(body.username)) throw userError(`Invalid username: ${body.username}`);
        return openDevSession(deps, body.username);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/auth/jwt/access_token',
      operationId: 'refreshAccessToken',
      response: IssuedAccess,
      summary: 'Exchange a session or personal access token for a short-lived access token',
      access: 'public',
      body: z.object({ token: z.string().max(256) }),
      handler: async ({ body }) => refreshAccess(deps, body.token),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/auth/logout',
      operationId: 'logout',
      response: Done,
      summary: 'Revoke a login session',
      access: 'public',
      body: z.object({ token: z.string().max(256) }),
      handler: async ({ body }) => {
        await closeSession(deps, body.token);
        return null;
      },
    }),
  ];
}
