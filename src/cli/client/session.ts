// Opens an authenticated client from login.yaml, refreshing and rewriting the token when it expires.
import type { CliEnvironment } from '../../config/cli-paths.js';
import { writeLoginFile, type LoginFile } from '../../config/login-file.js';
import { userError } from '../../core/index.js';
import type { Io } from '../output/io.js';
import type { HttpFetch } from './http.js';
import { isTokenExpired } from './jwt.js';
import { readLogin } from './login-read.js';
import { OsmoClient, type AuthSource } from './osmo-client.js';
import { refreshLogin } from './token-refresh.js';

export interface SessionDeps {
  readonly env: CliEnvironment;
  readonly fetch: HttpFetch;
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
        await keepLogin(deps.env.configDir, login);
      }
      const idToken = login.token_login?.id_token ?? token.id_token;
      const headers: Record<string, string> = { Authorization: `Bearer ${idToken}` };
      if (deps.env.loginDev && token.username !== null) headers['x-osmo-user'] = token.username;
      return headers;
    },
  };
}

/**
 * Stores a refreshed login. A login directory the CLI may not write (a task's, mounted read-only)
 * keeps the refreshed token for this run only: the next run refreshes again.
 */
async function keepLogin(configDir: string, login: LoginFile): Promise<void> {
  try {
    await writeLoginFile(configDir, login);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EROFS' && code !== 'EACCES' && code !== 'EPERM') throw err;
  }
}

export const NOT_LOGGED_IN = 'Must login first with "login" command';

/** A client for the logged-in service; `Must login first` when there is no login. */
export async function openSession(deps: SessionDeps): Promise<OsmoClient> {
  const login = await readLogin(deps.env.configDir);
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
