// Shared by the benchmarks that time the service from outside: the real `osmo service start` in its own
// process, so the probing client's event loop is not the one being measured.
import { join } from 'node:path';
import type { StoreConfig } from '../src/store/index.js';
import { removeDir, startServiceProcess, tempDir } from '../test/e2e/harness.js';

/** A service that first queues thousands of prefilled workflows may take long to listen. */
const START_TIMEOUT_MS = 300_000;

export interface BenchService {
  readonly url: string;
  /** The service's process id, to read its CPU time. */
  readonly pid: number;
  readonly dataDir: string;
  readonly storeConfig: StoreConfig;
  stop(): Promise<void>;
}

export interface BenchServiceOptions {
  /** Fills the data dir (and the config file, when it writes one) before the service starts. */
  readonly prepare?: (dataDir: string, configFile: string) => Promise<StoreConfig>;
  readonly postgresUrl?: string;
}

export async function startBenchService(options: BenchServiceOptions): Promise<BenchService> {
  const dataDir = await tempDir('bench');
  const configFile = join(dataDir, 'pools.json');
  const storeConfig = options.prepare
    ? await options.prepare(dataDir, configFile)
    : { kind: 'sqlite' as const, file: join(dataDir, 'osmo.db') };
  const args: string[] = [];
  if (options.prepare) args.push('--config', configFile);
  if (options.postgresUrl) args.push('--postgres-url', options.postgresUrl);
  const service = await startServiceProcess({ dataDir, args, startTimeoutMs: START_TIMEOUT_MS });
  return {
    url: service.url,
    pid: service.process.pid ?? 0,
    dataDir,
    storeConfig,
    stop: async () => {
      await service.stop();
      await removeDir(dataDir);
    },
  };
}
