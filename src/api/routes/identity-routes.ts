// Every identity route (login, OAuth, approval and authorization pages, users, tokens, credentials) wired from the API deps.
import { clientRegistry } from '../auth/oauth-clients.js';
import { oauthUrls } from '../auth/oauth-urls.js';
import type { SessionDeps } from '../auth/sessions.js';
import { MCP_PATH } from '../mcp/mcp-routes.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList } from '../route-table.js';
import { accessTokenRoutes } from './access-tokens.js';
import { authRoutes } from './auth.js';
import { credentialRoutes } from './credentials.js';
import { devicePageRoutes } from './device-page.js';
import { authorizePageRoutes } from './oauth-authorize.js';
import { oauthMetadataRoutes } from './oauth-metadata.js';
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
  // MCP clients' OAuth: the MCP endpoint is the protected resource, this service its authorization server.
  const clients = clientRegistry(deps.key);
  const urls = () => oauthUrls(deps.baseUrl, MCP_PATH);
  const codeExchange = () => ({ ...sessions, codes: identity.codes, clients, resource: urls().resource });
  return [
    ...authRoutes({ ...sessions, devMode: deps.config.devMode, baseUrl }),
    ...oauthRoutes({ ...sessions, identity, baseUrl, codeExchange }),
    ...devicePageRoutes({ ...sessions, identity, devMode: deps.config.devMode }),
    ...oauthMetadataRoutes({ ...sessions, clients, urls, resourcePath: MCP_PATH }),
    ...authorizePageRoutes({ ...sessions, identity, devMode: deps.config.devMode, clients, urls }),
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
