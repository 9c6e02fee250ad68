// The `osmo` CLI inside a task: its launcher, its login file, its read-only mounts and its environment.
import { posix } from 'node:path';
import { TASK_CLI_PATHS, type TaskCliInstall, type TaskCliLaunch } from '../core/index.js';

/** A host path the task sees, read-only, at `taskPath`. */
export interface TaskCliMount {
  readonly hostPath: string;
  readonly taskPath: string;
}

/**
 * The login file of the task's CLI: a token login for the workflow's user whose refresh secret is the
 * attempt's own grant, so the CLI renews its access token as any login does, until the attempt ends.
 * JSON is YAML, and the CLI rewrites it in its own form when it refreshes.
 */
export function taskCliLoginFile(cli: TaskCliLaunch): string {
  const url = cli.serviceUrl.replace(/\/+$/, '');
  const login = {
    url,
    dev_login: null,
    name: cli.user,
    osmo_token: true,
    token_login: {
      id_token: cli.accessToken,
      refresh_token: cli.refreshToken,
      refresh_url: `${url}/api/auth/jwt/access_token`,
      client_id: null,
      username: cli.user,
    },
  };
  return `${JSON.stringify(login, null, 2)}\n`;
}

/**
 * The CLI's `config.yaml` with the user's DATA credentials under `auth.data`, keyed by endpoint, as
 * `osmo credential set --type DATA` keeps them on a workstation; null when the user has none.
 */
export function taskCliDataConfigFile(cli: TaskCliLaunch): string | null {
  const credentials = cli.dataCredentials ?? [];
  if (credentials.length === 0) return null;
  const data = Object.fromEntries(
    credentials.map((c) => [
      c.endpoint,
      {
        access_key_id: c.accessKeyId,
        access_key: c.accessKey,
        ...(c.region === null ? {} : { region: c.region }),
        ...(c.overrideUrl === null ? {} : { override_url: c.overrideUrl }),
        ...(c.addressingStyle === null ? {} : { addressing_style: c.addressingStyle }),
      },
    ]),
  );
  return `${JSON.stringify({ auth: { data } }, null, 2)}\n`;
}

/** Quotes a word for `/bin/sh`. */
const shellWord = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * The `osmo` program of the task: a `/bin/sh` script that runs the CLI on the service's own Node.js.
 * Where Node was mounted with its libraries (`mounted`), it runs through the mounted dynamic loader, so
 * it needs no C library in the image (a busybox or Alpine image works); on the host it runs as is.
 */
export function taskCliLauncher(install: TaskCliInstall, where: 'mounted' | 'host'): string {
  const app = where === 'mounted' ? TASK_CLI_PATHS.app : install.appRoot;
  const script = posix.join(app, 'bin', 'osmo');
  const node = where === 'mounted' ? TASK_CLI_PATHS.node : install.node;
  const program =
    where === 'mounted' && install.loader !== null
      ? [
          posix.join(TASK_CLI_PATHS.libraries, install.loader),
          '--library-path',
          TASK_CLI_PATHS.libraries,
          node,
          script,
        ]
      : [node, script];
  return [
    '#!/bin/sh',
    "# osmo inside an OSMO task: the service's own CLI, logged in as the workflow's user.",
    `exec ${program.map(shellWord).join(' ')} "$@"`,
    '',
  ].join('\n');
}

/** The host files of the CLI and where the task sees them, every one read-only. */
export function taskCliMounts(install: TaskCliInstall): TaskCliMount[] {
  return [
    { hostPath: install.node, taskPath: TASK_CLI_PATHS.node },
    ...install.libraries.map((library) => ({
      hostPath: library.path,
      taskPath: posix.join(TASK_CLI_PATHS.libraries, library.name),
    })),
    ...install.appEntries.map((entry) => ({
      hostPath: posix.join(install.appRoot, entry),
      taskPath: posix.join(TASK_CLI_PATHS.app, entry),
    })),
  ];
}

/**
 * The variables the CLI reads, as upstream sets them in a task: the login directory, the node, the
 * service (and its socket where requests go over one), and `PATH` with the CLI's directory appended.
 */
export function taskCliEnvironment(
  cli: TaskCliLaunch,
  places: { readonly configDir: string; readonly binDir: string; readonly socket: string | null },
  path: string,
): Record<string, string> {
  return {
    OSMO_CONFIG_FILE_DIR: places.configDir,
    OSMO_NODE_NAME: cli.nodeName,
    OSMO_SERVICE_URL: cli.serviceUrl.replace(/\/+$/, ''),
    ...(places.socket === null ? {} : { OSMO_SERVICE_SOCKET: places.socket }),
    PATH: path.split(':').includes(places.binDir) ? path : `${path}:${places.binDir}`,
  };
}

/** Values to mask in the task's logs: its credential, should the command print its login file. */
export const taskCliSecrets = (cli: TaskCliLaunch): string[] => [cli.accessToken, cli.refreshToken];
