// Opens an authenticated client from login.yaml, refreshing and rewriting the token when it expires.
import type { CliEnvironment } from '../../config/cli-paths.js';
import { readLoginFile, writeLoginFile, type LoginFile } from '../../config/login-file.js';
import { userError } from '../../core/index.js';
import type { Io } from '../output/io.js';
import { isTokenExpired } from './jwt.js';
import { OsmoClient, type AuthSource } from './osmo-client.js';
import { refreshLogin } from './token-refresh.js';

export interface SessionDeps {
  readonly env: CliEnvironment;
  readonly fetch: typeof fetch;
  readonly io: Io;
  readonly nowMs: () => number;
  readonly signal: AbortSignal;
  readonly connectRetries: number;
}

/** Auth headers for a stored login; keeps the (possibly refreshed) login in memory. */
export function loginAuth(initial: LoginFile, deps: SessionDeps): AuthSource {
  let login = initial;
  return {
    async headers(signal) {
      const token = login.token_login;
      if (token === null) {
        return login.dev_login === null ? {} : { 'x-osmo-user': login.dev_login.username };
      }
      if (isTokenExpired(token.id_token, deps.nowMs() / 1000)) {
        login = await refreshLogin(login, deps.fetch, signal);
        await writeLoginFile(deps.env.configDir, login);
      }
      const idToken = login.token_login?.id_token ?? token.id_token;
      const headers: Record<string, string> = { Authorization: `Bearer ${idToken}` };
      if (deps.env.loginDev && token.username !== null) headers['x-osmo-user'] = token.username;
      return headers;
    },
  };
}

export const NOT_LOGGED_IN = 'Must login first with "login" command';

/** A client for the logged-in service; `Must login first` when there is no login. */
export async function openSession(deps: SessionDeps): Promise<OsmoClient> {
  const login = await readLoginFile(deps.env.configDir);
  if (login === null) throw userError(NOT_LOGGED_IN);
  return new OsmoClient({
    baseUrl: login.url.replace(/\/+$/, ''),
    auth: loginAuth(login, deps),
    fetch: deps.fetch,
    io: deps.io,
    connectRetries: deps.connectRetries,
    sendClientVersion: true,
    signal: deps.signal,
  });
}
