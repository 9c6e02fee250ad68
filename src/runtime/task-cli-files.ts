// Writes the task's `osmo` launcher and login file into the attempt's `/osmo` tree (process backend).
import { chmod, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { TASK_CLI_PATHS, type TaskCliLaunch } from '../core/index.js';
import type { SandboxFile } from './sandbox.js';
import {
  taskCliDataConfigFile,
  taskCliEnvironment,
  taskCliLauncher,
  taskCliLoginFile,
  taskCliMounts,
} from './task-cli.js';

export interface PlacedTaskCli {
  /** What the sandbox shows read-only inside `/osmo` (nothing without a sandbox: the host paths serve). */
  readonly overlays: readonly SandboxFile[];
  /** The CLI's variables over a command environment whose `PATH` is given. */
  environment(path: string): Record<string, string>;
}

const loginDir = (osmoDir: string): string => join(osmoDir, 'login', 'config');

/**
 * Writes `usr/bin/osmo` (0755) and `login/config/login.yaml` (0600) under the attempt's `/osmo` tree,
 * which the task may write: the CLI rewrites its login when it refreshes the access token.
 */
export async function placeTaskCli(
  cli: TaskCliLaunch,
  osmoDir: string,
  sandboxed: boolean,
): Promise<PlacedTaskCli> {
  const binDir = join(osmoDir, 'usr', 'bin');
  const configDir = loginDir(osmoDir);
  await mkdir(binDir, { recursive: true });
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  await writeExact(join(binDir, 'osmo'), taskCliLauncher(cli.install, sandboxed ? 'mounted' : 'host'), 0o755);
  await writeExact(join(configDir, 'login.yaml'), taskCliLoginFile(cli), 0o600);
  await writeDataConfig(cli, configDir, 0o600);
  const overlays = sandboxed ? taskCliMounts(cli.install) : [];
  for (const overlay of overlays) await makeMountPoint(osmoDir, overlay);
  const places = sandboxed
    ? { configDir: TASK_CLI_PATHS.configDir, binDir: TASK_CLI_PATHS.bin, socket: null }
    : { configDir, binDir, socket: null };
  return {
    overlays,
    environment: (path) => taskCliEnvironment(cli, places, path),
  };
}

/** The user's DATA credentials, for `osmo data` in the task, beside the login: they go with it. */
async function writeDataConfig(cli: TaskCliLaunch, configDir: string, mode: number): Promise<void> {
  const contents = taskCliDataConfigFile(cli);
  if (contents !== null) await writeExact(join(configDir, 'config.yaml'), contents, mode);
}

/**
 * The login holds the attempt's credential and the user's DATA credentials: they go when the command
 * ends (the service revokes the credential too).
 */
export const removeTaskCliLogin = (osmoDir: string): Promise<void> =>
  rm(loginDir(osmoDir), { recursive: true, force: true });

/**
 * Makes an overlay's mount point in the attempt's tree: bwrap would make missing directories 0700 as
 * root, which the task's own uid could not pass.
 */
async function makeMountPoint(osmoDir: string, overlay: SandboxFile): Promise<void> {
  const inTree = join(osmoDir, relative('/osmo', overlay.taskPath));
  await mkdir(dirname(inTree), { recursive: true, mode: 0o755 });
  if ((await stat(overlay.hostPath)).isDirectory()) await mkdir(inTree, { recursive: true, mode: 0o755 });
  else await writeFile(inTree, '', { flag: 'a', mode: 0o644 });
}

async function writeExact(path: string, contents: string, mode: number): Promise<void> {
  await writeFile(path, contents, { mode });
  await chmod(path, mode);
}

/** Host side of the CLI files a container mounts: its login directory (writable) and its launcher. */
export interface ContainerTaskCliFiles {
  readonly loginDir: string;
  readonly launcher: string;
}

/**
 * Writes the launcher and the login file for a container under `dir` (the attempt's files directory,
 * removed when the attempt ends): the container mounts them read-only at the CLI's paths. The login is
 * readable by whatever user the image runs as; on the host it lies in the service's private data
 * directory, and the CLI keeps a refreshed token in memory when it cannot write the login back.
 */
export async function placeContainerTaskCli(cli: TaskCliLaunch, dir: string): Promise<ContainerTaskCliFiles> {
  const loginDirectory = join(dir, 'osmo-login');
  const launcher = join(dir, 'osmo-launcher');
  await mkdir(loginDirectory, { recursive: true });
  await chmod(loginDirectory, 0o755);
  await writeExact(launcher, taskCliLauncher(cli.install, 'mounted'), 0o755);
  await writeExact(join(loginDirectory, 'login.yaml'), taskCliLoginFile(cli), 0o644);
  await writeDataConfig(cli, loginDirectory, 0o644);
  return { loginDir: loginDirectory, launcher };
}
