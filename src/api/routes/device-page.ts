// The device-login approval page the CLI's `--method code` sends people to (RFC 8628 verification URI).
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { OsmoError } from '../../core/index.js';
import type { IdentityServices } from '../auth/identity-services.js';
import { pageLogin } from '../auth/page-login.js';
import type { SessionDeps } from '../auth/sessions.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { Text } from '../contract/wire-registry.js';
import { escapeHtml, page } from './html-page.js';

function form(userCode: string, devMode: boolean, message: string): string {
  return (
    (message === '' ? '' : `<p id="message" role="alert">${escapeHtml(message)}</p>`) +
    '<p>Approve only a code that your own OSMO CLI just printed.</p>' +
    '<form method="post" action="/api/auth/device">' +
    `<label>Code<input name="user_code" id="user_code" value="${escapeHtml(userCode)}" autocomplete="off" required></label>` +
    '<label>Username<input name="username" id="username" autocomplete="username" required></label>' +
    `<label>Password${devMode ? ' (may be empty: dev mode)' : ''}<input name="password" id="password" type="password" autocomplete="current-password"${devMode ? '' : ' required'}></label>` +
    '<button type="submit" name="action" value="approve" id="approve">Approve</button>' +
    '<button type="submit" name="action" value="deny" id="deny" formnovalidate>Deny</button></form>'
  );
}

export function devicePageRoutes(
  deps: SessionDeps & { readonly identity: IdentityServices; readonly devMode: boolean },
): RouteList {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/auth/device',
      operationId: 'getDeviceLoginPage',
      response: Text,
      summary: 'The device-login approval page (HTML)',
      access: 'public',
      produces: 'text/html',
      query: z.object({ user_code: z.string().max(32).default('') }),
      handler: async ({ query, reply }) =>
        page(reply, 200, 'Log in to OSMO', form(query.user_code, deps.devMode, '')),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/auth/device',
      operationId: 'decideDeviceLogin',
      response: Text,
      summary: 'Approve or deny a device login (HTML form)',
      access: 'public',
      produces: 'text/html',
      body: z.object({
        user_code: z.string().max(32).default(''),
        username: z.string().max(256).default(''),
        password: z.string().max(1024).default(''),
        action: z.enum(['approve', 'deny']).default('approve'),
      }),
      handler: async ({ body, reply, request }) => {
        const retry = (status: number, message: string): FastifyReply =>
          page(reply, status, 'Log in to OSMO', form(body.user_code, deps.devMode, message));
        if (!deps.identity.grants.isPending(body.user_code)) {
          return retry(400, 'This code is unknown, expired or already used. Start the login again.');
        }
        if (body.action === 'deny') {
          deps.identity.grants.decide(body.user_code, { approved: false });
          return page(reply, 200, 'Login denied', '<p>The CLI login was denied.</p>');
        }
        const user = body.username.trim();
        try {
          await pageLogin(deps, { user, password: body.password, source: request.ip });
        } catch (err) {
          if (err instanceof OsmoError) return retry(err.httpStatus, err.message);
          throw err;
        }
        deps.identity.grants.decide(body.user_code, { approved: true, user });
        return page(
          reply,
          200,
          'Device approved',
          `<p id="done">Signed in as ${escapeHtml(user)}. You can close this window and return to the CLI.</p>`,
        );
      },
    }),
  ];
}
