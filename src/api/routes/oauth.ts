// The OAuth 2.0 endpoints the CLI's code and password logins use (RFC 8628 device flow, password and refresh
// grants), and the authorization-code grant of MCP clients (PKCE, see auth/code-exchange.ts).
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { userError } from '../../core/index.js';
import type { CodeExchangeDeps } from '../auth/code-exchange.js';
import { exchangeCode } from '../auth/code-exchange.js';
import type { IdentityServices } from '../auth/identity-services.js';
import { checkPassword } from '../auth/password-login.js';
import type { SessionDeps } from '../auth/sessions.js';
import { openSession, refreshAccess } from '../auth/sessions.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { CLI_CLIENT_ID } from './auth.js';
import { DeviceCode, OAuthToken } from '../contract/auth-wire.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

const TokenForm = z.object({
  grant_type: z.string(),
  client_id: z.string().optional(),
  device_code: z.string().max(256).optional(),
  username: z.string().max(256).optional(),
  password: z.string().max(1024).optional(),
  refresh_token: z.string().max(256).optional(),
  scope: z.string().optional(),
  code: z.string().max(256).optional(),
  code_verifier: z.string().max(256).optional(),
  redirect_uri: z.string().max(1024).optional(),
  resource: z.string().max(1024).optional(),
});

/** OAuth errors use RFC 6749's error-response body, which the CLI's polling loop reads. */
function oauthError(reply: FastifyReply, error: string, description?: string): FastifyReply {
  return reply
    .code(400)
    .header('cache-control', 'no-store')
    .send({ error, ...(description === undefined ? {} : { error_description: description }) });
}

function tokenResponse(
  issued: { token: string; expires_at: number; refresh_token: string },
  now: Date,
): OAuthToken {
  return {
    access_token: issued.token,
    id_token: issued.token,
    refresh_token: issued.refresh_token,
    token_type: 'Bearer',
    expires_in: issued.expires_at - Math.floor(now.getTime() / 1000),
  };
}

export function oauthRoutes(
  deps: SessionDeps & {
    readonly identity: IdentityServices;
    readonly baseUrl: () => string;
    /** The authorization-code grant's view, read per request: the resource URL follows the base URL. */
    readonly codeExchange: () => CodeExchangeDeps;
  },
): RouteList {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/auth/device/code',
      operationId: 'startDeviceLogin',
      response: DeviceCode,
      summary: 'Start a device login: a device code for the CLI and a user code for the approval page',
      access: 'public',
      body: z.object({ client_id: z.string().optional(), scope: z.string().optional() }),
      handler: async ({ body }) => {
        const started = deps.identity.grants.start(body.client_id ?? CLI_CLIENT_ID);
        const page = `${deps.baseUrl()}/api/auth/device`;
        return {
          device_code: started.deviceCode,
          user_code: started.userCode,
          verification_uri: page,
          verification_uri_complete: `${page}?user_code=${encodeURIComponent(started.userCode)}`,
          expires_in: started.expiresIn,
          interval: started.interval,
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/auth/token',
      operationId: 'issueOAuthToken',
      response: OAuthToken,
      summary:
        'OAuth token endpoint: device-code, authorization-code (PKCE), password and refresh-token grants',
      access: 'public',
      body: TokenForm,
      handler: async ({ body, reply, request }) => {
        reply.header('cache-control', 'no-store');
        if (body.grant_type === DEVICE_GRANT) {
          const poll = deps.identity.grants.poll(body.device_code ?? '', body.client_id ?? CLI_CLIENT_ID);
          if (poll.kind === 'approved') {
            return tokenResponse(await openSession(deps, poll.user), deps.now());
          }
          const errors = {
            pending: 'authorization_pending',
            slow_down: 'slow_down',
            expired: 'expired_token',
            denied: 'access_denied',
            invalid: 'invalid_grant',
          } as const;
          return oauthError(reply, errors[poll.kind]);
        }
        if (body.grant_type === 'authorization_code') {
          const exchanged = await exchangeCode(deps.codeExchange(), body);
          if (!exchanged.ok) return oauthError(reply, exchanged.error, exchanged.description);
          return tokenResponse(exchanged.issued, deps.now());
        }
        if (body.grant_type === 'password') {
          if (body.username === undefined || body.password === undefined) {
            return oauthError(reply, 'invalid_request', 'username and password are required');
          }
          await checkPassword(
            { store: deps.store, throttle: deps.identity.throttle },
            body.username,
            body.password,
            request.ip,
          );
          return tokenResponse(await openSession(deps, body.username), deps.now());
        }
        if (body.grant_type === 'refresh_token') {
          if (body.refresh_token === undefined) return oauthError(reply, 'invalid_request');
          const issued = await refreshAccess(deps, body.refresh_token).catch(() => null);
          if (issued === null)
            return oauthError(reply, 'invalid_grant', 'the refresh token is invalid or expired');
          return tokenResponse({ ...issued, refresh_token: body.refresh_token }, deps.now());
        }
        throw userError(`Unsupported grant_type ${body.grant_type}`);
      },
    }),
  ];
}
