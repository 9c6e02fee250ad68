// Composition root of the service: store, storage, backend, engine and HTTP API, wired from one config.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app.js';
import type { ApiDeps } from '../api/deps.js';
import type { SigningKey } from '../api/auth/jwt.js';
import { exportSigningKey, generateSigningKey, importSigningKey } from '../api/auth/jwt.js';
import type { StorageLocation } from '../core/index.js';
import type { ServiceConfig } from '../config/service-config.js';
import { newSchedulingState } from '../controller/context.js';
import { LiveConfig } from '../controller/live-config.js';
import { readConfigFile, watchConfigFile } from './config-file.js';
import type { EngineContext } from '../controller/context.js';
import { Engine } from '../controller/engine.js';
import { SpecPool } from '../controller/spec-pool.js';
import { LogStore } from '../controller/log-store.js';
import { openFencedStore, openStore } from '../store/index.js';
import { EngineLease } from './engine-lease.js';
import { ReplicaEngine } from './replica-engine.js';
import { lockSqliteStore } from './sqlite-service-lock.js';
import { NotificationDispatcher } from '../notifications/index.js';
import { meteredStorage, newTransferTally, openStorage } from '../storage/index.js';
import { bootstrapAdmin, createIdentityServices, loadMasterKey } from './identity-setup.js';
import { chooseBackend, type BackendChoice } from './backend-choice.js';
import { startBackends } from './service-backends.js';
import { setUpTaskCli } from './task-cli-provider.js';
import type { Store } from '../store/index.js';

export interface RunningService {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly engine: Engine;
  readonly store: Store;
  /** The default pool's backend and why it was chosen. */
  readonly backendChoice: BackendChoice;
  close(): Promise<void>;
}

async function loadSigningKey(file: string): Promise<SigningKey> {
  try {
    return importSigningKey(JSON.parse(await readFile(file, 'utf8')) as { kid: string; pem: string });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const key = generateSigningKey();
    try {
      // Never over another's: replicas starting together on one data dir must end up with one key.
      await writeFile(file, JSON.stringify(exportSigningKey(key)), { mode: 0o600, flag: 'wx' });
    } catch (raced) {
      if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
      return loadSigningKey(file);
    }
    await chmod(file, 0o600);
    return key;
  }
}

/** The local directory under the data dir, or the configured S3 bucket. */
function storageLocation(config: ServiceConfig): StorageLocation {
  const s3 = config.s3Storage;
  if (s3 === null) return { kind: 'local', root: join(config.dataDir, 'storage') };
  return {
    kind: 's3',
    bucket: s3.bucket,
    rootPrefix: s3.prefix,
    region: s3.region,
    endpointUrl: s3.endpointUrl,
    pathStyle: s3.pathStyle,
    credentials:
      s3.accessKeyId !== null && s3.secretAccessKey !== null
        ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }
        : null,
  };
}

/**
 * The last resort for a promise nobody handled: each source turns its own failures into an attempt's
 * status, so one landing here is a bug to log and fix, not a reason to take every user's service down.
 */
function logUnhandledRejections(log: Logger): () => void {
  const onRejection = (reason: unknown): void => log.error({ err: reason }, 'unhandled promise rejection');
  process.on('unhandledRejection', onRejection);
  return () => process.off('unhandledRejection', onRejection);
}

export async function startService(requested: ServiceConfig): Promise<RunningService> {
  const log = pino({ level: requested.logLevel, base: { service: 'osmo' } });
  let backendChoice = await chooseBackend(requested.backend, requested.dockerHost, process.env);
  const config: ServiceConfig = {
    ...requested,
    backend: backendChoice.backend,
    dockerHost: backendChoice.dockerHost,
  };
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const sqliteFile = join(config.dataDir, 'osmo.db');
  if (config.replicas && !config.postgresUrl) {
    throw new Error(
      'Several replicas (--replicas) need a shared PostgreSQL database: give --postgres-url too.',
    );
  }
  // Before anything is read or migrated: a second service on the same SQLite file is refused.
  const sqliteLock = config.postgresUrl ? null : await lockSqliteStore(sqliteFile);
  const store = await openStore(
    config.postgresUrl ? { kind: 'postgres', url: config.postgresUrl } : { kind: 'sqlite', file: sqliteFile },
  );
  const key = await loadSigningKey(join(config.dataDir, 'service-key.json'));
  await bootstrapAdmin(store, config, new Date());
  const identity = createIdentityServices(store, await loadMasterKey(config), () => new Date());
  const backends = await startBackends(config, backendChoice, log);
  backendChoice = backends.choice;
  const liveConfig = await LiveConfig.open(
    store,
    config.configFile ? await readConfigFile(config.configFile) : null,
    () => new Date(),
    log,
  );
  // A kind this service cannot run is refused with the entry's name, at start and on every change.
  liveConfig.addCheck((doc) => backends.set.check(doc));
  await backends.set.start(liveConfig.current());
  const stopWatching = config.configFile ? watchConfigFile(config.configFile, liveConfig, log) : () => {};
  log.info(
    { pools: Object.keys(liveConfig.current().pools), nodes: backends.set.nodes(liveConfig.current()) },
    'pool inventory',
  );
  const storage = storageLocation(config);
  const specs = new SpecPool(log);
  const storageTransfers = newTransferTally();
  const taskCli = await setUpTaskCli({
    backend: config.backend,
    dockerHost: backendChoice.dockerHost,
    socketPath: join(config.dataDir, 'run', 'task-service.sock'),
    sessions: {
      store,
      key,
      now: () => new Date(),
      accessTokenTtlSeconds: config.accessTokenTtlSeconds,
      sessionTtlDays: config.sessionTtlDays,
      adminUsers: config.adminUsers,
    },
    log,
  });
  if (typeof taskCli === 'string') log.warn(`tasks get no osmo CLI: ${taskCli}`);
  const ctx: EngineContext = {
    store,
    backends: backends.set,
    logs: new LogStore(join(config.dataDir, 'logs'), meteredStorage(openStorage(storage), storageTransfers)),
    log,
    now: () => new Date(),
    storage,
    nodes: () => backends.set.nodes(liveConfig.current()),
    config: liveConfig,
    scheduling: newSchedulingState(),
    maxRetryPerTask: config.maxRetryPerTask,
    credentials: identity.vault,
    specs,
    ...(typeof taskCli === 'string' ? {} : { taskCli: taskCli.provider }),
  };
  // With replicas, the engine writes through its own fenced handle: only while this replica holds the lease.
  const lease = config.replicas ? new EngineLease(store.db) : null;
  const engineStore =
    lease && config.postgresUrl
      ? openFencedStore({ kind: 'postgres', url: config.postgresUrl }, () => lease.current(), store.writes)
      : store;
  const engine = new Engine(
    lease === null ? ctx : { ...ctx, store: engineStore, mayLaunch: () => lease.current() !== null },
  );
  let notifications: NotificationDispatcher | null = null;
  const replica =
    lease && config.postgresUrl
      ? new ReplicaEngine({
          engine,
          store,
          ctx,
          lease,
          postgresUrl: config.postgresUrl,
          log,
          onLeading: () => notifications?.start(),
          // Its engine may be midway through a launch: stopping the process is the one clean way out;
          // a supervisor starts it again as a follower.
          onLost: () => process.exit(75),
        })
      : null;
  const driver = replica ?? engine;
  // Backends follow their configuration; a backend that comes, goes or changes state wakes the queue.
  liveConfig.onChange(async () => {
    driver.backendsChanged(await backends.set.apply(liveConfig.current()));
  });
  backends.set.onChange(() => driver.wake());
  await (replica ?? engine).start();
  const stopLoggingRejections = logUnhandledRejections(log);
  const port = config.port;
  const provisionalBase = config.baseUrl ?? `http://${config.host}:${port}`;
  const deps: { -readonly [K in keyof ApiDeps]: ApiDeps[K] } = {
    config,
    key,
    store,
    engine: driver,
    ...(replica ? { replica: () => replica.state() } : {}),
    ctx,
    baseUrl: provisionalBase.replace(/\/$/, ''),
    identity,
    storageTransfers,
  };
  const app = buildApp(deps, log);
  const address = await app.listen({ host: config.host, port });
  const url = config.baseUrl ?? address.replace(/\/$/, '');
  // A port of 0 is only known after listening: links then use the real one.
  deps.baseUrl = url;
  if (typeof taskCli !== 'string') await taskCli.start(app.server, address);
  // Beside the engine, never in its way: it reads the outbox the status writes fill.
  notifications = new NotificationDispatcher({
    store,
    vault: identity.vault,
    config: config.notifications,
    baseUrl: () => deps.baseUrl,
    log: log.child({ component: 'notifications' }),
    now: () => new Date(),
  });
  // One replica delivers: the leader (at once, or when it takes over).
  if (replica === null || replica.state().leader) notifications.start();
  log.info(
    { url, dataDir: config.dataDir, store: store.dialect, devMode: config.devMode },
    'osmo service started',
  );
  return {
    url,
    app,
    engine,
    store,
    backendChoice,
    close: async () => {
      stopWatching();
      await app.close();
      await (replica ?? engine).stop();
      if (engineStore !== store) await engineStore.close();
      if (typeof taskCli !== 'string') await taskCli.close();
      await notifications?.stop();
      await specs.close();
      await store.close();
      await sqliteLock?.release();
      stopLoggingRejections();
    },
  };
}
