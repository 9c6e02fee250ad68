// Every identity route (login, OAuth, approval page, users, tokens, credentials) wired from the API deps.
import type { SessionDeps } from '../auth/sessions.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList } from '../route-table.js';
import { accessTokenRoutes } from './access-tokens.js';
import { authRoutes } from './auth.js';
import { credentialRoutes } from './credentials.js';
import { devicePageRoutes } from './device-page.js';
import { oauthRoutes } from './oauth.js';
import { userRoutes } from './users.js';

export function identityRoutes(deps: ApiDeps): RouteList {
  const sessions: SessionDeps = {
    store: deps.store,
    key: deps.key,
    now: deps.ctx.now,
    accessTokenTtlSeconds: deps.config.accessTokenTtlSeconds,
    sessionTtlDays: deps.config.sessionTtlDays,
    adminUsers: deps.config.adminUsers,
  };
  const baseUrl = (): string => deps.baseUrl;
  const identity = deps.identity;
  return [
    ...authRoutes({ ...sessions, devMode: deps.config.devMode, baseUrl }),
    ...oauthRoutes({ ...sessions, identity, baseUrl }),
    ...devicePageRoutes({ ...sessions, identity, devMode: deps.config.devMode }),
    ...userRoutes({
      store: deps.store,
      now: deps.ctx.now,
      // Pool roles name the configured pools (`osmo-<prefix>`); stored roles exist too.
      pools: async () => Object.keys(deps.ctx.config.current().pools),
      roles: () => deps.ctx.config.current().roles,
    }),
    ...accessTokenRoutes({
      store: deps.store,
      now: deps.ctx.now,
      maxTokenDurationDays: deps.config.maxTokenDurationDays,
    }),
    ...credentialRoutes({ vault: identity.vault }),
  ];
}
