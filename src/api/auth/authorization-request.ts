// Checks an OAuth authorization request (RFC 6749 with PKCE, S256 only) before and after the login form.
import { z } from 'zod';
import { PKCE_VALUE, redirectUriMatches } from '../../identity/index.js';
import type { ClientRegistry, RegisteredClient } from './oauth-clients.js';

/** The request's parameters, as the query of the page or the hidden fields of its form. */
export const AuthorizationParams = z.object({
  response_type: z.string().max(64).default(''),
  client_id: z.string().max(8192).default(''),
  redirect_uri: z.string().max(1024).default(''),
  code_challenge: z.string().max(256).default(''),
  code_challenge_method: z.string().max(32).default(''),
  state: z.string().max(1024).default(''),
  scope: z.string().max(1024).default(''),
  resource: z.string().max(1024).default(''),
});
export type AuthorizationParams = z.infer<typeof AuthorizationParams>;

export interface AuthorizationRequest {
  readonly client: RegisteredClient;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly state: string;
  readonly resource: string | null;
}

export type AuthorizationCheck =
  /**
   * Refused, said on the page and sent nowhere. Anyone may register an https redirect URI, so sending
   * the browser there for a malformed request would make this service an open redirector.
   */
  | { readonly kind: 'refuse'; readonly message: string }
  | { readonly kind: 'ok'; readonly request: AuthorizationRequest };

export function checkAuthorizationRequest(
  params: AuthorizationParams,
  deps: { readonly clients: ClientRegistry; readonly resource: string },
): AuthorizationCheck {
  const client = deps.clients.resolve(params.client_id);
  if (client === null) {
    return { kind: 'refuse', message: 'This application is not registered with this service.' };
  }
  if (params.redirect_uri === '' || !redirectUriMatches(client.redirectUris, params.redirect_uri)) {
    return {
      kind: 'refuse',
      message: 'The address this application asked to be sent back to is not one it registered.',
    };
  }
  const fail = (error: string, description: string): AuthorizationCheck => ({
    kind: 'refuse',
    message: `The application sent a request this service cannot accept (${error}): ${description}.`,
  });
  if (params.response_type !== 'code') {
    return fail('unsupported_response_type', 'response_type must be code');
  }
  if (params.code_challenge_method !== 'S256') {
    return fail('invalid_request', 'PKCE is required with code_challenge_method S256');
  }
  if (!PKCE_VALUE.test(params.code_challenge)) {
    return fail('invalid_request', 'code_challenge must be 43 to 128 unreserved characters');
  }
  if (params.resource !== '' && params.resource !== deps.resource) {
    return fail('invalid_target', `the only resource this service grants access to is ${deps.resource}`);
  }
  return {
    kind: 'ok',
    request: {
      client,
      redirectUri: params.redirect_uri,
      codeChallenge: params.code_challenge,
      state: params.state,
      resource: params.resource === '' ? null : params.resource,
    },
  };
}

/** The redirect back to the client with its parameters and `iss` (RFC 9207); empty values are left out. */
export function authorizationRedirect(
  redirectUri: string,
  issuer: string,
  params: Readonly<Record<string, string>>,
): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== '') url.searchParams.set(name, value);
  url.searchParams.set('iss', issuer);
  return url.href;
}
