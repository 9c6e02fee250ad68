// Where the CLI keeps its files and which environment switches it reads (cli.md §1.9).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readAwsEnvironment, type AwsEnvironment } from './data-config-file.js';

export interface CliEnvironment {
  /** Directory holding login.yaml. */
  readonly configDir: string;
  /** OSMO_LOGIN_DEV=true|True: also send x-osmo-user with token logins (cli.md §1.7). */
  readonly loginDev: boolean;
  /** `$EDITOR`, else `$VISUAL` (cli.md §1.9); unset means the platform default. */
  readonly editor?: string;
  /** AWS_* variables: the ambient credential chain of `osmo data` (cli.md §11). */
  readonly awsEnvironment?: AwsEnvironment;
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
  const editor = env['EDITOR'] || env['VISUAL'];
  return {
    configDir: cliConfigDir(env),
    loginDev: dev === 'true' || dev === 'True',
    ...(editor ? { editor } : {}),
    awsEnvironment: readAwsEnvironment(env),
  };
}

export const loginFilePath = (configDir: string): string => join(configDir, 'login.yaml');
