// Where the CLI keeps its files and which environment switches it reads (cli.md §1.9).
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface CliEnvironment {
  /** Directory holding login.yaml. */
  readonly configDir: string;
  /** OSMO_LOGIN_DEV=true|True: also send x-osmo-user with token logins (cli.md §1.7). */
  readonly loginDev: boolean;
}

type EnvSource = Readonly<Record<string, string | undefined>>;

/** `$OSMO_CONFIG_FILE_DIR`, else `$XDG_CONFIG_HOME/osmo`, else `~/.config/osmo`. */
export function cliConfigDir(env: EnvSource = process.env, home: string = homedir()): string {
  const explicit = env['OSMO_CONFIG_FILE_DIR'];
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = env['XDG_CONFIG_HOME'];
  if (xdg !== undefined && xdg !== '') return join(xdg, 'osmo');
  return join(home, '.config', 'osmo');
}

export function readCliEnvironment(env: EnvSource = process.env): CliEnvironment {
  const dev = env['OSMO_LOGIN_DEV'];
  return { configDir: cliConfigDir(env), loginDev: dev === 'true' || dev === 'True' };
}

export const loginFilePath = (configDir: string): string => join(configDir, 'login.yaml');
