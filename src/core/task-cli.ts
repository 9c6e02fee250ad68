// The `osmo` CLI inside a task: what a launch carries for it and where the task finds it.

/**
 * What a task needs to run `osmo` against this service: the CLI's host files (mounted read-only at
 * private paths) and a credential of this attempt alone, revoked when the attempt ends.
 */
export interface TaskCliLaunch {
  /** The service's URL as the task reaches it (loopback on the process backend). */
  readonly serviceUrl: string;
  /** Host path of a Unix socket of the service that every request goes over (container backends). */
  readonly serviceSocket: string | null;
  readonly user: string;
  /** The node the attempt was placed on (`OSMO_NODE_NAME`). */
  readonly nodeName: string;
  /** A short-lived access token and the secret that refreshes it; the service forgets both at the end. */
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly install: TaskCliInstall;
  /**
   * The user's DATA credentials, decrypted for `osmo data` in the task: written only into the
   * attempt's login directory (`config.yaml`, as a workstation keeps them) and masked in its logs.
   */
  readonly dataCredentials?: readonly TaskCliDataCredential[];
}

/** One DATA credential as the CLI's `config.yaml` keeps it, under its storage endpoint. */
export interface TaskCliDataCredential {
  /** The storage URI it serves (`s3://bucket`), without a trailing slash. */
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly accessKey: string;
  readonly region: string | null;
  readonly overrideUrl: string | null;
  readonly addressingStyle: 'virtual' | 'path' | 'auto' | null;
}

/** The CLI as installed on the service's host. */
export interface TaskCliInstall {
  /** The Node.js executable that runs the CLI. */
  readonly node: string;
  /**
   * The shared libraries Node loads, the dynamic loader among them, each by the name it is loaded by
   * and its real host path: mounted so that the CLI runs in an image without a C library of its own.
   * Empty for a static Node.
   */
  readonly libraries: readonly { readonly name: string; readonly path: string }[];
  /** The name of the dynamic loader among `libraries`; null for a static Node. */
  readonly loader: string | null;
  /** The installed package's directory on the host. */
  readonly appRoot: string;
  /** The entries of that directory the CLI needs (`bin`, `dist`, `node_modules`, `package.json`). */
  readonly appEntries: readonly string[];
}

/** Where the CLI's parts are inside a task (upstream keeps its CLI in `/osmo/usr/bin`, on `PATH`). */
export const TASK_CLI_PATHS = {
  bin: '/osmo/usr/bin',
  launcher: '/osmo/usr/bin/osmo',
  node: '/osmo/usr/lib/osmo/node',
  libraries: '/osmo/usr/lib/osmo/lib',
  app: '/osmo/usr/lib/osmo/app',
  configDir: '/osmo/login/config',
  socket: '/osmo/run/osmo-service.sock',
} as const;
