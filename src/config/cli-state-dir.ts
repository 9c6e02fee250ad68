// Where the CLI keeps state between runs: logs, rsync daemons, local-runner work directories.
import { homedir } from 'node:os';
import { join } from 'node:path';

type EnvSource = Readonly<Record<string, string | undefined>>;

/** `$OSMO_LOG_FILE_DIR`, else `$XDG_STATE_HOME/osmo`, else `~/.local/state/osmo`. */
export function cliStateDir(env: EnvSource = process.env, home: string = homedir()): string {
  const explicit = env['OSMO_LOG_FILE_DIR'];
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = env['XDG_STATE_HOME'];
  if (xdg !== undefined && xdg !== '') return join(xdg, 'osmo');
  return join(home, '.local', 'state', 'osmo');
}
