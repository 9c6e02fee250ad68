// Refreshes an expired login token and returns the updated login.
import { userError } from '../../core/index.js';
import type { LoginFile, TokenLogin } from '../../config/login-file.js';
import { ServiceError } from '../errors.js';
import type { HttpFetch } from './http.js';
import { conforms } from './wire-check.js';
import { WIRE, WIRE_JSON } from './wire-schemas.generated.js';

function refreshFailed(status: number, body: string): ServiceError {
  return new ServiceError(
    'server',
    `Unable to refresh login token (status code ${status}): ${body}\nPlease re-login with "osmo login"`,
    status,
  );
}

/** Exchanges the stored refresh token for a new ID token. */
export async function refreshLogin(
  login: LoginFile,
  fetchFn: HttpFetch,
  signal: AbortSignal,
): Promise<LoginFile> {
  const token = login.token_login;
  if (token === null) return login;
  if (token.refresh_token === null || token.refresh_token === '') {
    throw userError('Token is expired, but no refresh token is present');
  }
  if (token.refresh_url === null || token.refresh_url === '') {
    throw userError('No token refresh url provided, please login again');
  }
  const refreshed = login.osmo_token
    ? await refreshOsmoToken(token, token.refresh_url, token.refresh_token, fetchFn, signal)
    : await refreshOidcToken(token, token.refresh_url, token.refresh_token, fetchFn, signal, login.url);
  return { ...login, token_login: refreshed };
}

async function refreshOsmoToken(
  token: TokenLogin,
  url: string,
  refreshToken: string,
  fetchFn: HttpFetch,
  signal: AbortSignal,
): Promise<TokenLogin> {
  const response = await fetchFn(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: refreshToken }),
    signal,
  });
  const body = await response.text();
  if (response.status >= 300) throw refreshFailed(response.status, body);
  const parsed: unknown = JSON.parse(body);
  if (!conforms(WIRE_JSON, WIRE.IssuedAccess, parsed)) throw refreshFailed(response.status, body);
  return { ...token, id_token: parsed.token };
}

async function refreshOidcToken(
  token: TokenLogin,
  url: string,
  refreshToken: string,
  fetchFn: HttpFetch,
  signal: AbortSignal,
  serviceUrl: string,
): Promise<TokenLogin> {
  // The service's own token endpoint may be plain http, like the service itself: bearer tokens already go there.
  if (!url.startsWith('https://') && !sameOrigin(url, serviceUrl)) {
    throw userError('The token refresh url must use HTTPS');
  }
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
  if (token.client_id !== null) form.set('client_id', token.client_id);
  const response = await fetchFn(url, { method: 'POST', body: form, redirect: 'manual', signal });
  const body = await response.text();
  if (response.status >= 300) throw refreshFailed(response.status, body);
  // An identity provider's answer (RFC 6749), not this service's contract: only its tokens are read.
  const parsed: unknown = JSON.parse(body);
  const field = (name: string): unknown =>
    typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[name] : undefined;
  const idToken = field('id_token');
  const refreshed = field('refresh_token');
  if (typeof idToken !== 'string') {
    throw new ServiceError(
      'server',
      'The identity provider did not return an ID token while refreshing login.\nPlease re-login with "osmo login"',
    );
  }
  return {
    ...token,
    id_token: idToken,
    refresh_token: typeof refreshed === 'string' ? refreshed : refreshToken,
  };
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
