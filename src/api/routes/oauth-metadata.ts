// OAuth discovery for MCP clients (RFC 9728 resource and RFC 8414 server metadata), dynamic client
// registration (RFC 7591) and token revocation (RFC 7009).
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { verifyAccessToken } from '../auth/jwt.js';
import type { ClientRegistry } from '../auth/oauth-clients.js';
import { ClientRegistrationRequest, RegistrationRefused } from '../auth/oauth-clients.js';
import type { OAuthUrls } from '../auth/oauth-urls.js';
import {
  AUTHORIZATION_SERVER_METADATA_PATH,
  PROTECTED_RESOURCE_METADATA_PATH,
  REGISTER_PATH,
  REVOKE_PATH,
} from '../auth/oauth-urls.js';
import type { SessionDeps } from '../auth/sessions.js';
import { closeSession } from '../auth/sessions.js';
import {
  AuthorizationServerMetadata,
  OAuthClientInfo,
  ProtectedResourceMetadata,
} from '../contract/oauth-wire.js';
import { Done } from '../contract/wire-registry.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';

export interface OAuthMetadataDeps extends SessionDeps {
  readonly clients: ClientRegistry;
  readonly urls: () => OAuthUrls;
  /** The path of the protected resource, for its path-inserted metadata URL (RFC 9728). */
  readonly resourcePath: string;
}

export function oauthMetadataRoutes(deps: OAuthMetadataDeps): RouteList {
  const resourceMetadata = async (): Promise<ProtectedResourceMetadata> => {
    const urls = deps.urls();
    return {
      resource: urls.resource,
      authorization_servers: [urls.issuer],
      bearer_methods_supported: ['header'],
      resource_name: 'OSMO',
    };
  };
  return [
    defineRoute({
      method: 'GET',
      url: `${PROTECTED_RESOURCE_METADATA_PATH}${deps.resourcePath}`,
      operationId: 'getMcpResourceMetadata',
      response: ProtectedResourceMetadata,
      summary: 'OAuth protected resource metadata of the MCP endpoint (RFC 9728)',
      access: 'public',
      handler: resourceMetadata,
    }),
    defineRoute({
      method: 'GET',
      url: PROTECTED_RESOURCE_METADATA_PATH,
      operationId: 'getResourceMetadata',
      response: ProtectedResourceMetadata,
      summary: 'OAuth protected resource metadata at the root, for clients that look there first',
      access: 'public',
      handler: resourceMetadata,
    }),
    defineRoute({
      method: 'GET',
      url: AUTHORIZATION_SERVER_METADATA_PATH,
      operationId: 'getAuthorizationServerMetadata',
      response: AuthorizationServerMetadata,
      summary: 'OAuth authorization server metadata (RFC 8414)',
      access: 'public',
      handler: async () => {
        const urls = deps.urls();
        return {
          issuer: urls.issuer,
          authorization_endpoint: urls.authorize,
          token_endpoint: urls.token,
          registration_endpoint: urls.register,
          revocation_endpoint: urls.revoke,
          device_authorization_endpoint: `${urls.issuer}/api/auth/device/code`,
          response_types_supported: ['code'],
          grant_types_supported: [
            'authorization_code',
            'refresh_token',
            'urn:ietf:params:oauth:grant-type:device_code',
          ],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none'],
          revocation_endpoint_auth_methods_supported: ['none'],
          authorization_response_iss_parameter_supported: true,
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: REGISTER_PATH,
      operationId: 'registerOAuthClient',
      response: OAuthClientInfo,
      summary: 'Register a public OAuth client (RFC 7591): https or loopback http redirect URIs only',
      access: 'public',
      body: ClientRegistrationRequest,
      handler: async ({ body, reply }) => {
        try {
          const client = deps.clients.register(body, Math.floor(deps.now().getTime() / 1000));
          reply.code(201).header('cache-control', 'no-store');
          return {
            client_id: client.clientId,
            client_id_issued_at: client.issuedAt,
            client_name: client.clientName,
            redirect_uris: [...client.redirectUris],
            // Public clients only: PKCE binds the code to the client that asked for it.
            token_endpoint_auth_method: 'none' as const,
            grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code'],
          };
        } catch (err) {
          if (err instanceof RegistrationRefused) return refuse(reply, err.error, err.message);
          throw err;
        }
      },
    }),
    defineRoute({
      method: 'POST',
      url: REVOKE_PATH,
      operationId: 'revokeOAuthToken',
      response: Done,
      summary:
        'Revoke an OAuth grant by its refresh token or an access token (RFC 7009); personal tokens stay',
      access: 'public',
      body: z.object({ token: z.string().max(4096).default(''), token_type_hint: z.string().optional() }),
      handler: async ({ body }) => {
        await revoke(deps, body.token);
        return null;
      },
    }),
  ];
}

/** RFC 7009: unknown and already revoked tokens answer 200 alike, so nothing can be probed. */
async function revoke(deps: OAuthMetadataDeps, token: string): Promise<void> {
  const verified = verifyAccessToken(deps.key, token, Math.floor(deps.now().getTime() / 1000));
  if (!verified.ok) {
    await closeSession(deps, token);
    return;
  }
  const { unique_name: user, osmo_session: session } = verified.claims;
  if (session === undefined) return;
  const grant = await deps.store.tokens.findGrant(user, session);
  if (grant?.kind === 'session') await deps.store.tokens.deleteByName(user, session);
}

function refuse(reply: FastifyReply, error: string, description: string): FastifyReply {
  return reply.code(400).header('cache-control', 'no-store').send({ error, error_description: description });
}
