// Wire schemas of the OAuth discovery documents and dynamic client registration that MCP clients use.
import { z } from 'zod';
import { wire } from './wire-registry.js';

export const ProtectedResourceMetadata = wire(
  'ProtectedResourceMetadata',
  z.object({
    resource: z.string(),
    authorization_servers: z.array(z.string()),
    bearer_methods_supported: z.array(z.string()),
    resource_name: z.string(),
    resource_documentation: z.string().optional(),
  }),
  'RFC 9728 protected resource metadata of the MCP endpoint.',
);
export type ProtectedResourceMetadata = z.infer<typeof ProtectedResourceMetadata>;

export const AuthorizationServerMetadata = wire(
  'AuthorizationServerMetadata',
  z.object({
    issuer: z.string(),
    authorization_endpoint: z.string(),
    token_endpoint: z.string(),
    registration_endpoint: z.string(),
    revocation_endpoint: z.string(),
    device_authorization_endpoint: z.string(),
    response_types_supported: z.array(z.string()),
    grant_types_supported: z.array(z.string()),
    code_challenge_methods_supported: z.array(z.string()),
    token_endpoint_auth_methods_supported: z.array(z.string()),
    revocation_endpoint_auth_methods_supported: z.array(z.string()),
    authorization_response_iss_parameter_supported: z.boolean(),
  }),
  'RFC 8414 authorization server metadata.',
);
export type AuthorizationServerMetadata = z.infer<typeof AuthorizationServerMetadata>;

export const OAuthClientInfo = wire(
  'OAuthClientInfo',
  z.object({
    client_id: z.string(),
    client_id_issued_at: z.number(),
    client_name: z.string(),
    redirect_uris: z.array(z.string()),
    token_endpoint_auth_method: z.literal('none'),
    grant_types: z.array(z.string()),
    response_types: z.array(z.string()),
  }),
  'RFC 7591 client information of a registered public client; refusals answer 400 with `error`.',
);
export type OAuthClientInfo = z.infer<typeof OAuthClientInfo>;
