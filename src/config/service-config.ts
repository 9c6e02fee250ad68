// The service's configuration: flags and environment variables parsed once, at the edge, into a typed value.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { S3StorageConfigSchema, s3StorageFromEnv } from './storage-config.js';
import { SlurmConfigSchema, slurmConfigFromEnv } from './slurm-config.js';
import { NotificationConfigSchema, notificationConfigFromEnv } from './notification-config.js';

const NodeSchema = z.object({
  name: z.string().min(1),
  cpu: z.number().positive(),
  memoryBytes: z.number().positive(),
  storageBytes: z.number().nonnegative().default(0),
  gpu: z.number().int().nonnegative().default(0),
  labels: z.record(z.string(), z.string()).default({}),
});
export type DeclaredNode = z.infer<typeof NodeSchema>;

export const ServiceConfigSchema = z.object({
  host: z.string().default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8000),
  /** Where the SQLite file, the object storage, attempt directories and the signing key live. */
  dataDir: z.string().min(1),
  /** PostgreSQL connection URL; SQLite in the data directory when absent. */
  postgresUrl: z.string().url().nullable().default(null),
  /** One of several services on that PostgreSQL database: the engine runs where the lease is held. */
  replicas: z.boolean().default(false),
  /** Dev mode allows the username-only `dev` login (the quickstart's default). */
  devMode: z.boolean().default(false),
  /** The externally visible base URL used in links; defaults to http://host:port. */
  baseUrl: z.string().url().nullable().default(null),
  /** Users who get the osmo-admin role when they log in. */
  adminUsers: z.array(z.string()).default([]),
  /** Workflow config `max_retry_per_task`: how often RESCHEDULE may retry a task (default 0). */
  maxRetryPerTask: z.number().int().nonnegative().default(0),
  accessTokenTtlSeconds: z.number().int().positive().default(300),
  /** The first admin, created (or its password reset) at every start. */
  defaultAdmin: z
    .object({ username: z.string().min(1), password: z.string().min(8) })
    .nullable()
    .default(null),
  /** Base64 of 32 bytes wrapping every user's data key; generated into the data dir when absent. */
  masterKey: z.string().nullable().default(null),
  /** Longest lifetime of a personal access token (service_auth.max_token_duration). */
  maxTokenDurationDays: z.number().int().positive().default(365),
  sessionTtlDays: z.number().int().positive().default(30),
  /** A declared node inventory for the `default` pool, instead of detecting this host. */
  nodes: z.array(NodeSchema).nullable().default(null),
  /**
   * Run the process backend without a sandbox where bubblewrap cannot work, outside dev mode: tasks
   * then see the host as the service does. An admin's explicit choice, never a default.
   */
  insecureProcessBackend: z.boolean().default(false),
  /** Host directories tasks may read and write through `file://` inputs and outputs; none by default. */
  fileUrlRoots: z.array(z.string().startsWith('/')).default([]),
  /** The unprivileged uid (and gid) sandboxed tasks run as when the service runs as root. */
  sandboxUid: z.number().int().min(1).max(4_294_967_294).default(100_000),
  /**
   * The default pool's backend: local processes, or containers on a Docker-Engine-compatible API. Null:
   * chosen at start, containers when a usable engine answers, else processes (see backend-choice.ts).
   */
  backend: z.enum(['process', 'docker', 'slurm']).nullable().default(null),
  /**
   * The engine endpoint of the docker backend (`unix:///run/podman/podman.sock`, `tcp://host:2375`). Null:
   * the default sockets are probed.
   */
  dockerHost: z.string().min(1).nullable().default(null),
  /** The scheduling configuration file (backends, pools, platforms, rules), watched for changes. */
  configFile: z.string().nullable().default(null),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * The bearer token Prometheus presents to scrape `/metrics`. Without one only a dev-mode service
   * serves metrics (to anyone); otherwise `/metrics` is refused.
   */
  metricsToken: z.string().min(16).nullable().default(null),
  /** Object storage in an S3 bucket; null keeps it in `<dataDir>/storage`. */
  s3Storage: S3StorageConfigSchema.nullable().default(null),
  /** The slurm backend's partition, account, QOS map and shared work directory (OSMO_SLURM_*). */
  slurm: SlurmConfigSchema.prefault({}),
  /** Where workflow notifications go (SMTP, Slack, signed webhooks); all off by default. */
  notifications: NotificationConfigSchema.prefault({}),
});
export type ServiceConfig = z.infer<typeof ServiceConfigSchema>;

/** The default data directory: `$OSMO_DATA_DIR`, else `$XDG_DATA_HOME/osmo`, else `~/.local/share/osmo`. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OSMO_DATA_DIR) return env.OSMO_DATA_DIR;
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'osmo');
}

/** Environment variables that configure the service, overridden by explicit flags. */
export function serviceConfigFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<ServiceConfig> {
  const out: Partial<ServiceConfig> = {};
  if (env.OSMO_POSTGRES_URL) out.postgresUrl = env.OSMO_POSTGRES_URL;
  if (env.OSMO_REPLICAS) out.replicas = /^(1|true|yes)$/i.test(env.OSMO_REPLICAS);
  if (env.OSMO_DEV_MODE) out.devMode = /^(1|true|yes)$/i.test(env.OSMO_DEV_MODE);
  if (env.OSMO_BASE_URL) out.baseUrl = env.OSMO_BASE_URL;
  if (env.OSMO_LOG_LEVEL) out.logLevel = env.OSMO_LOG_LEVEL as ServiceConfig['logLevel'];
  if (env.OSMO_ADMIN_USERS) out.adminUsers = env.OSMO_ADMIN_USERS.split(',').filter(Boolean);
  if (env.OSMO_DEFAULT_ADMIN_USERNAME && env.OSMO_DEFAULT_ADMIN_PASSWORD) {
    out.defaultAdmin = {
      username: env.OSMO_DEFAULT_ADMIN_USERNAME,
      password: env.OSMO_DEFAULT_ADMIN_PASSWORD,
    };
  }
  if (env.OSMO_MASTER_KEY) out.masterKey = env.OSMO_MASTER_KEY;
  if (env.OSMO_METRICS_TOKEN) out.metricsToken = env.OSMO_METRICS_TOKEN;
  if (env.OSMO_NODES) out.nodes = JSON.parse(env.OSMO_NODES) as ServiceConfig['nodes'];
  out.notifications = notificationConfigFromEnv(env);
  const s3 = s3StorageFromEnv(env);
  if (s3 !== null) out.s3Storage = s3;
  if (env.OSMO_BACKEND === 'process' || env.OSMO_BACKEND === 'docker' || env.OSMO_BACKEND === 'slurm') {
    out.backend = env.OSMO_BACKEND;
  }
  out.slurm = { ...SlurmConfigSchema.parse({}), ...slurmConfigFromEnv(env) };
  if (env.DOCKER_HOST) out.dockerHost = env.DOCKER_HOST;
  if (env.OSMO_SANDBOX_UID) out.sandboxUid = Number(env.OSMO_SANDBOX_UID);
  if (env.OSMO_FILE_URL_ROOTS) out.fileUrlRoots = env.OSMO_FILE_URL_ROOTS.split(':').filter(Boolean);
  return out;
}

/** Parses a raw configuration; every error names the field. */
export function parseServiceConfig(raw: unknown): ServiceConfig {
  const result = ServiceConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`Invalid service configuration: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`);
  }
  return result.data;
}

// What a task runtime inherits: the host basics and the object-storage SDK's ambient credentials.
const RUNTIME_VARIABLE = /^(PATH|HOME|USER|LOGNAME|LANG|LC_[A-Z]+|TZ|TMPDIR|AWS_[A-Z0-9_]+)$/;

/** The service's environment as a task runtime may see it: none of the service's own settings. */
export function runtimeEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (e): e is [string, string] => RUNTIME_VARIABLE.test(e[0]) && e[1] !== undefined,
    ),
  );
}
