// `osmo service start`: runs the service in the foreground until SIGINT or SIGTERM.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';

interface StartFlags {
  host?: string;
  port?: string;
  dataDir?: string;
  postgresUrl?: string;
  replicas?: boolean;
  dev?: boolean;
  nodesFile?: string;
  config?: string;
  admin?: string[];
  maxRetryPerTask?: string;
  backend?: string;
  dockerHost?: string;
  insecureProcessBackend?: boolean;
  sandboxUid?: string;
  allowFileUrls?: string[];
}

export function serviceCommand(): Command {
  const service = new Command('service').description('Run the OSMO service');
  service
    .command('start')
    .description("Start the service: HTTP API, scheduler and the default pool's backend")
    .option('--host <host>', 'address to listen on (default: 127.0.0.1)')
    .option('--port <port>', 'port to listen on, 0 for any free port (default: 8000)')
    .option(
      '--data-dir <dir>',
      'where the SQLite store, logs, outputs and keys live (default: $OSMO_DATA_DIR or ~/.local/share/osmo)',
    )
    .option('--postgres-url <url>', 'use this PostgreSQL database instead of SQLite (or $OSMO_POSTGRES_URL)')
    .option(
      '--replicas',
      'one of several services on the same PostgreSQL database and data directory (or $OSMO_REPLICAS=1)',
    )
    .option('--dev', 'dev mode: allow the username-only dev login')
    .option(
      '--nodes-file <file>',
      'YAML or JSON list of declared nodes {name, cpu, memoryBytes, gpu, labels} for the default pool',
    )
    .option(
      '--config <file>',
      'YAML scheduling configuration: backends (with declared nodes), pools, platforms, validation rules; reloaded on change',
    )
    .option('--admin <users...>', 'users who get the osmo-admin role')
    .addOption(
      new Option(
        '--backend <kind>',
        'backend of the default pool: slurm submits each group as a Slurm job (OSMO_SLURM_* settings); default: $OSMO_BACKEND, else docker when a Docker or Podman socket answers, else process',
      ).choices(['process', 'docker', 'slurm']),
    )
    .option(
      '--docker-host <url>',
      'Docker-Engine API of the docker backend, e.g. unix:///run/podman/podman.sock (default: $DOCKER_HOST, else the first default socket that answers)',
    )
    .option(
      '--insecure-process-backend',
      'outside dev mode, run process-backend tasks without a sandbox where bubblewrap cannot work (tasks then see the host as the service does)',
    )
    .option(
      '--allow-file-urls <dirs...>',
      'host directories that tasks may read and write through file:// URLs (default: none, or $OSMO_FILE_URL_ROOTS, colon-separated)',
    )
    .option(
      '--sandbox-uid <uid>',
      'unprivileged uid and gid that sandboxed tasks run as when the service runs as root (default: 100000, or $OSMO_SANDBOX_UID)',
    )
    .option('--max-retry-per-task <n>', 'how often a RESCHEDULE exit action may retry a task (default: 0)')
    .addOption(
      new Option('--log-level <level>', 'log level').choices([
        'fatal',
        'error',
        'warn',
        'info',
        'debug',
        'silent',
      ]),
    )
    .action(async (flags: StartFlags, command: Command) => {
      // The configuration schema and YAML are loaded here, so that client commands start without them.
      const [
        { parse: parseYaml },
        { defaultDataDir, parseServiceConfig, serviceConfigFromEnv },
        { requestedLogLevel },
      ] = await Promise.all([
        import('yaml'),
        import('../config/service-config.js'),
        import('./service-log-level.js'),
      ]);
      const logLevel = requestedLogLevel(command);
      const env = serviceConfigFromEnv();
      const config = parseServiceConfig({
        ...env,
        dataDir: flags.dataDir ?? defaultDataDir(),
        ...(flags.host === undefined ? {} : { host: flags.host }),
        ...(flags.port === undefined ? {} : { port: flags.port }),
        ...(flags.postgresUrl === undefined ? {} : { postgresUrl: flags.postgresUrl }),
        ...(flags.replicas ? { replicas: true } : {}),
        ...(flags.dev ? { devMode: true } : {}),
        ...(flags.config === undefined ? {} : { configFile: resolve(flags.config) }),
        ...(flags.admin ? { adminUsers: flags.admin } : {}),
        ...(flags.maxRetryPerTask === undefined ? {} : { maxRetryPerTask: Number(flags.maxRetryPerTask) }),
        ...(logLevel === undefined ? {} : { logLevel }),
        ...(flags.backend === undefined ? {} : { backend: flags.backend }),
        ...(flags.dockerHost === undefined ? {} : { dockerHost: flags.dockerHost }),
        ...(flags.insecureProcessBackend ? { insecureProcessBackend: true } : {}),
        ...(flags.sandboxUid === undefined ? {} : { sandboxUid: Number(flags.sandboxUid) }),
        ...(flags.allowFileUrls ? { fileUrlRoots: flags.allowFileUrls.map((d) => resolve(d)) } : {}),
        ...(flags.nodesFile === undefined
          ? {}
          : { nodes: parseYaml(await readFile(flags.nodesFile, 'utf8')) as unknown }),
      });
      // Loaded only here, so every other command starts without the service's dependencies.
      const { startService } = await import('./service.js');
      const running = await startService(config);
      process.stdout.write(`osmo service backend: ${running.backendChoice.reason}\n`);
      process.stdout.write(`osmo service listening on ${running.url}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await running.close();
    });
  return service;
}
