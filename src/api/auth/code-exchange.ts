// The token endpoint's authorization_code grant: a redeemed code becomes a login session of its own
// (an `oauth-…` grant: the user's roles, revocable, expiring, stored as a hash like every session).
import type { AuthorizationCodes } from '../../identity/index.js';
import type { ClientRegistry } from './oauth-clients.js';
import type { IssuedAccess, SessionDeps } from './sessions.js';
import { hashSecret, openSession } from './sessions.js';

export interface CodeExchangeDeps extends SessionDeps {
  readonly codes: AuthorizationCodes;
  readonly clients: ClientRegistry;
  /** The one resource (RFC 8707) a code may be exchanged for: the MCP endpoint. */
  readonly resource: string;
}

export interface CodeExchangeForm {
  readonly code?: string | undefined;
  readonly code_verifier?: string | undefined;
  readonly redirect_uri?: string | undefined;
  readonly client_id?: string | undefined;
  readonly resource?: string | undefined;
}

export type CodeExchange =
  | { readonly ok: true; readonly issued: IssuedAccess & { readonly refresh_token: string } }
  | {
      readonly ok: false;
      readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'invalid_target';
      readonly description: string;
    };

export const OAUTH_GRANT_PREFIX = 'oauth';

export async function exchangeCode(deps: CodeExchangeDeps, form: CodeExchangeForm): Promise<CodeExchange> {
  const { code, code_verifier: verifier, redirect_uri: redirectUri, client_id: clientId } = form;
  if (code === undefined || verifier === undefined || redirectUri === undefined || clientId === undefined) {
    return {
      ok: false,
      error: 'invalid_request',
      description: 'code, code_verifier, redirect_uri and client_id are required',
    };
  }
  const client = deps.clients.resolve(clientId);
  if (client === null) {
    return { ok: false, error: 'invalid_client', description: 'the client is not registered here' };
  }
  const resource = form.resource ?? null;
  if (resource !== null && resource !== deps.resource) {
    return { ok: false, error: 'invalid_target', description: `the only resource is ${deps.resource}` };
  }
  const outcome = deps.codes.redeem(code, { clientId, redirectUri, codeVerifier: verifier, resource });
  if (outcome.kind === 'reused') {
    // Someone else may hold the code: whatever it bought is withdrawn (RFC 6749).
    if (outcome.grantName !== null) await deps.store.tokens.deleteNamed(outcome.grantName, 'session');
    return {
      ok: false,
      error: 'invalid_grant',
      description: 'the authorization code was already used; the tokens issued for it are revoked',
    };
  }
  if (outcome.kind === 'invalid') return { ok: false, error: 'invalid_grant', description: outcome.reason };
  const issued = await openSession(deps, outcome.user, {
    prefix: OAUTH_GRANT_PREFIX,
    description: `OAuth client "${client.clientName}"`,
  });
  const grant = await deps.store.tokens.findByHash(hashSecret(issued.refresh_token));
  if (grant !== null) deps.codes.recordGrant(code, grant.tokenName);
  return { ok: true, issued };
}
