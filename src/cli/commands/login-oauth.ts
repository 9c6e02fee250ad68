// The OAuth logins of `osmo login`: device code (`code`) and resource-owner password (`password`).
import type { LoginFile } from '../../config/login-file.js';
import { userError } from '../../core/index.js';
import type { CliDeps } from '../cli-deps.js';
import { connectionError } from '../client/classify-response.js';
import type { HttpRequestInit, HttpResponse } from '../client/http.js';
import { jwtClaims } from '../client/jwt.js';
import { ServiceError } from '../errors.js';

const SCOPE = 'openid offline_access profile';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export interface LoginInfo {
  readonly device_endpoint: string | null;
  readonly device_client_id: string | null;
  readonly token_endpoint: string | null;
}

async function send(
  deps: CliDeps,
  url: string,
  init: HttpRequestInit,
): Promise<{ status: number; text: string }> {
  let response: HttpResponse;
  try {
    response = await deps.fetch(url, { ...init, redirect: 'manual', signal: deps.signal });
  } catch (err) {
    throw connectionError(err);
  }
  return { status: response.status, text: await response.text() };
}

const postForm = (
  deps: CliDeps,
  url: string,
  form: Record<string, string>,
): Promise<{ status: number; text: string }> =>
  send(deps, url, { method: 'POST', body: new URLSearchParams(form) });

function parseObject(text: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** `GET <url>/api/auth/login`: the endpoints the service offers. */
export async function fetchLoginInfo(deps: CliDeps, url: string): Promise<LoginInfo> {
  const answer = await send(deps, `${url}/api/auth/login`, { method: 'GET' });
  if (answer.status < 200 || answer.status >= 300) {
    throw userError(
      `Unexpected status code (${answer.status}) when fetching login info from ${url}/api/auth/login: ${answer.text}`,
    );
  }
  const info = parseObject(answer.text);
  const text = (key: string): string | null => (typeof info[key] === 'string' ? info[key] : null);
  return {
    device_endpoint: text('device_endpoint'),
    device_client_id: text('device_client_id'),
    token_endpoint: text('token_endpoint'),
  };
}

function tokenLoginFrom(
  url: string,
  tokenEndpoint: string,
  body: string,
  clientId: string | null,
): LoginFile {
  const parsed = parseObject(body);
  const idToken = parsed['id_token'];
  if (typeof idToken !== 'string')
    throw new ServiceError('server', `The login returned no ID token: ${body}`);
  const claims = jwtClaims(idToken);
  const name = [claims['name'], claims['unique_name']].find((v): v is string => typeof v === 'string') ?? '';
  return {
    url,
    dev_login: null,
    name,
    osmo_token: false,
    token_login: {
      id_token: idToken,
      refresh_token: typeof parsed['refresh_token'] === 'string' ? parsed['refresh_token'] : null,
      refresh_url: tokenEndpoint,
      client_id: clientId,
      username: null,
    },
  };
}

/** The device flow: print where to approve, then poll the token endpoint until approved, denied or expired. */
export async function deviceCodeLogin(
  deps: CliDeps,
  url: string,
  info: LoginInfo,
  deviceEndpointOverride: string | undefined,
): Promise<LoginFile> {
  const deviceEndpoint = deviceEndpointOverride ?? info.device_endpoint;
  if (deviceEndpoint === null)
    throw userError('The OSMO service does not provide a device endpoint for code login');
  if (info.token_endpoint === null) throw userError('The OSMO service does not provide a token endpoint');
  const clientId = info.device_client_id ?? '';
  const started = await postForm(deps, deviceEndpoint, { client_id: clientId, scope: SCOPE });
  if (started.status >= 300) {
    throw new ServiceError('server', `Failed to start device login: ${started.text}`, started.status);
  }
  const grant = parseObject(started.text);
  const deviceCode = String(grant['device_code'] ?? '');
  let intervalMs = Number(grant['interval'] ?? 5) * 1000;
  const deadline = deps.nowMs() + Number(grant['expires_in'] ?? 600) * 1000;
  if (typeof grant['message'] === 'string') deps.io.out(`${grant['message']}\n`);
  else if (typeof grant['verification_uri_complete'] === 'string') {
    deps.io.out(`Visit ${grant['verification_uri_complete']} and complete authentication.\n`);
  } else {
    deps.io.out(
      `Visit ${String(grant['verification_uri'])} and enter the following code: ${String(grant['user_code'])}\n`,
    );
  }
  for (;;) {
    if (deps.nowMs() > deadline)
      throw new ServiceError('server', 'Did not complete device authentication in time!');
    await deps.sleep(intervalMs);
    const answer = await postForm(deps, info.token_endpoint, {
      grant_type: DEVICE_GRANT,
      device_code: deviceCode,
      client_id: clientId,
    });
    if (answer.status === 200) return tokenLoginFrom(url, info.token_endpoint, answer.text, clientId);
    const error = parseObject(answer.text)['error'];
    if (error === 'authorization_pending') continue;
    if (error === 'slow_down') {
      intervalMs += 1000;
      continue;
    }
    throw new ServiceError('server', `Unexpected error during device auth flow ${String(error)}`);
  }
}

/** The password grant: for service accounts and scripts. */
export async function passwordLogin(
  deps: CliDeps,
  url: string,
  info: LoginInfo,
  username: string,
  password: string,
): Promise<LoginFile> {
  if (info.token_endpoint === null) throw userError('The OSMO service does not provide a token endpoint');
  const answer = await postForm(deps, info.token_endpoint, {
    client_id: info.device_client_id ?? '',
    username,
    password,
    grant_type: 'password',
    scope: SCOPE,
  });
  if (answer.status !== 200)
    throw new ServiceError('server', `Failed to log in: ${answer.text}`, answer.status);
  const login = tokenLoginFrom(url, info.token_endpoint, answer.text, null);
  // Upstream stores no client id for the password login; refreshes then send none.
  return login;
}
