// Where the CLI keeps its files and which environment switches it reads.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readAwsEnvironment, type AwsEnvironment } from './aws-environment.js';

export interface CliEnvironment {
  /** Directory holding login.yaml. */
  readonly configDir: string;
  /** OSMO_LOGIN_DEV=true|True: also send x-osmo-user with token logins. */
  readonly loginDev: boolean;
  /** `$EDITOR`, else `$VISUAL`; unset means the platform default. */
  readonly editor?: string;
  /** AWS_* variables: the ambient credential chain of `osmo data`. */
  readonly awsEnvironment?: AwsEnvironment;
  /** `NO_COLOR` set and non-empty (no-color.org): no ANSI colour, even on a terminal. */
  readonly noColor?: boolean;
  /** `TERM=dumb`: the terminal understands no escape sequences. */
  readonly dumbTerminal?: boolean;
  /** `OSMO_SERVICE_SOCKET`: send every request over this Unix socket (a task's CLI in a container). */
  readonly serviceSocket?: string;
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
    noColor: (env['NO_COLOR'] ?? '') !== '',
    dumbTerminal: env['TERM'] === 'dumb',
    ...(env['OSMO_SERVICE_SOCKET'] ? { serviceSocket: env['OSMO_SERVICE_SOCKET'] } : {}),
  };
}

export const loginFilePath = (configDir: string): string => join(configDir, 'login.yaml');
