// The OAuth authorization endpoint: the service's own login and consent page for MCP clients, which sends
// the browser back to the client's registered redirect URI with a single-use code.
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { OsmoError } from '../../core/index.js';
import type { AuthorizationRequest } from '../auth/authorization-request.js';
import {
  AuthorizationParams,
  authorizationRedirect,
  checkAuthorizationRequest,
} from '../auth/authorization-request.js';
import type { IdentityServices } from '../auth/identity-services.js';
import type { ClientRegistry } from '../auth/oauth-clients.js';
import type { OAuthUrls } from '../auth/oauth-urls.js';
import { AUTHORIZE_PATH } from '../auth/oauth-urls.js';
import { pageLogin } from '../auth/page-login.js';
import type { SessionDeps } from '../auth/sessions.js';
import { Text } from '../contract/wire-registry.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { escapeHtml, page } from './html-page.js';

export interface AuthorizePageDeps extends SessionDeps {
  readonly identity: IdentityServices;
  readonly devMode: boolean;
  readonly clients: ClientRegistry;
  readonly urls: () => OAuthUrls;
}

const TITLE = 'Authorize an application';

const DecisionForm = AuthorizationParams.extend({
  username: z.string().max(256).default(''),
  password: z.string().max(1024).default(''),
  action: z.enum(['approve', 'deny']).default('approve'),
});

const hidden = (params: AuthorizationParams): string =>
  Object.entries(params)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join('');

function consentPage(
  reply: FastifyReply,
  status: number,
  params: AuthorizationParams,
  request: AuthorizationRequest,
  devMode: boolean,
  message: string,
): FastifyReply {
  const target = new URL(request.redirectUri).origin;
  const body =
    (message === '' ? '' : `<p id="message" role="alert">${escapeHtml(message)}</p>`) +
    `<p>The application <strong id="client">${escapeHtml(request.client.clientName)}</strong> (a name it gave ` +
    'itself) asks to use OSMO as you, with your roles, until you revoke it or its grant expires.</p>' +
    `<p>Approving sends your browser back to <code id="target">${escapeHtml(target)}</code>. ` +
    'Approve only an application you just started yourself.</p>' +
    `<form method="post" action="${AUTHORIZE_PATH}">${hidden(params)}` +
    '<label>Username<input name="username" id="username" autocomplete="username" required></label>' +
    `<label>Password${devMode ? ' (may be empty: dev mode)' : ''}<input name="password" id="password" ` +
    `type="password" autocomplete="current-password"${devMode ? '' : ' required'}></label>` +
    '<button type="submit" name="action" value="approve" id="approve">Approve</button>' +
    '<button type="submit" name="action" value="deny" id="deny" formnovalidate>Deny</button></form>';
  return page(reply.header('referrer-policy', 'no-referrer'), status, TITLE, body, [target]);
}

const refusedPage = (reply: FastifyReply, message: string): FastifyReply =>
  page(reply, 400, TITLE, `<p id="message" role="alert">${escapeHtml(message)}</p>`);

const sendBack = (reply: FastifyReply, location: string): FastifyReply =>
  reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(location, 302);

export function authorizePageRoutes(deps: AuthorizePageDeps): RouteList {
  const check = (params: AuthorizationParams) =>
    checkAuthorizationRequest(params, { clients: deps.clients, resource: deps.urls().resource });
  return [
    defineRoute({
      method: 'GET',
      url: AUTHORIZE_PATH,
      operationId: 'getOAuthAuthorizePage',
      response: Text,
      summary: 'OAuth authorization endpoint: the login and consent page (HTML) for MCP clients',
      access: 'public',
      produces: 'text/html',
      query: AuthorizationParams,
      handler: async ({ query, reply }) => {
        const checked = check(query);
        if (checked.kind === 'refuse') return refusedPage(reply, checked.message);
        return consentPage(reply, 200, query, checked.request, deps.devMode, '');
      },
    }),
    defineRoute({
      method: 'POST',
      url: AUTHORIZE_PATH,
      operationId: 'decideOAuthAuthorization',
      response: Text,
      summary: 'Approve (with a login) or deny an OAuth authorization; answers with a redirect to the client',
      access: 'public',
      produces: 'text/html',
      body: DecisionForm,
      handler: async ({ body, reply, request }) => {
        const { username, password, action, ...params } = body;
        const checked = check(params);
        if (checked.kind === 'refuse') return refusedPage(reply, checked.message);
        const { issuer } = deps.urls();
        const { request: authorization } = checked;
        if (action === 'deny') {
          return sendBack(
            reply,
            authorizationRedirect(authorization.redirectUri, issuer, {
              error: 'access_denied',
              error_description: 'the user denied the request',
              state: authorization.state,
            }),
          );
        }
        const user = username.trim();
        try {
          await pageLogin(deps, { user, password, source: request.ip });
        } catch (err) {
          if (err instanceof OsmoError) {
            return consentPage(reply, err.httpStatus, params, authorization, deps.devMode, err.message);
          }
          throw err;
        }
        const code = deps.identity.codes.issue({
          clientId: authorization.client.clientId,
          redirectUri: authorization.redirectUri,
          codeChallenge: authorization.codeChallenge,
          user,
          resource: authorization.resource,
        });
        return sendBack(
          reply,
          authorizationRedirect(authorization.redirectUri, issuer, { code, state: authorization.state }),
        );
      },
    }),
  ];
}
