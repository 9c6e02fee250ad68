// `osmo logout`: revokes the session on the service when it can, then forgets the login.
import { Command } from 'commander';
import { deleteLoginFile, readLoginFile } from '../../config/login-file.js';
import type { CliDeps } from '../cli-deps.js';

export function logoutCommand(deps: CliDeps): Command {
  return new Command('logout').description('Log out of the OSMO service.').action(() => runLogout(deps));
}

/** Best effort: an unreachable service must not keep the user logged in locally. */
async function revoke(url: string, refreshToken: string, deps: CliDeps): Promise<void> {
  try {
    await deps.fetch(`${url.replace(/\/+$/, '')}/api/auth/logout`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: refreshToken }),
      signal: AbortSignal.any([deps.signal, AbortSignal.timeout(5000)]),
    });
  } catch (err) {
    deps.io.err(`Could not revoke the session on the service: ${(err as Error).message}\n`);
  }
}

export async function runLogout(deps: CliDeps): Promise<void> {
  const login = await readLoginFile(deps.env.configDir).catch(() => null);
  const refreshToken = login?.token_login?.refresh_token;
  if (login !== null && refreshToken !== undefined && refreshToken !== null) {
    await revoke(login.url, refreshToken, deps);
  }
  await deleteLoginFile(deps.env.configDir);
  deps.io.out('Successfully logged out.\n');
}
