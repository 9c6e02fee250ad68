// Where the OAuth authorization server and the MCP resource it protects live, from the service's base URL.

export interface OAuthUrls {
  /** The authorization server's issuer identifier (RFC 8414): the service's base URL. */
  readonly issuer: string;
  readonly authorize: string;
  readonly token: string;
  readonly register: string;
  readonly revoke: string;
  /** The protected resource (RFC 9728): the MCP endpoint. */
  readonly resource: string;
  readonly resourceMetadata: string;
}

export const AUTHORIZE_PATH = '/api/auth/oauth/authorize';
export const REGISTER_PATH = '/api/auth/oauth/register';
export const REVOKE_PATH = '/api/auth/oauth/revoke';
export const TOKEN_PATH = '/api/auth/token';
export const AUTHORIZATION_SERVER_METADATA_PATH = '/.well-known/oauth-authorization-server';
export const PROTECTED_RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';

export function oauthUrls(baseUrl: string, resourcePath: string): OAuthUrls {
  return {
    issuer: baseUrl,
    authorize: `${baseUrl}${AUTHORIZE_PATH}`,
    token: `${baseUrl}${TOKEN_PATH}`,
    register: `${baseUrl}${REGISTER_PATH}`,
    revoke: `${baseUrl}${REVOKE_PATH}`,
    resource: `${baseUrl}${resourcePath}`,
    // RFC 9728: the well-known segment goes between the host and the resource's path.
    resourceMetadata: `${baseUrl}${PROTECTED_RESOURCE_METADATA_PATH}${resourcePath}`,
  };
}
