// Shared by the benchmarks that time the service from outside: the real `osmo service start` in its own
// process, so the probing client's event loop is not the one being measured.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoreConfig } from '../src/store/index.js';

const OSMO_BIN = fileURLToPath(new URL('../../bin/osmo', import.meta.url));
/** A service that first queues thousands of prefilled workflows may take long to listen. */
const START_TIMEOUT_MS = 300_000;

export interface BenchService {
  readonly url: string;
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
  const dataDir = await mkdtemp(join(tmpdir(), 'osmo-bench-'));
  const configFile = join(dataDir, 'pools.json');
  const storeConfig = options.prepare
    ? await options.prepare(dataDir, configFile)
    : { kind: 'sqlite' as const, file: join(dataDir, 'osmo.db') };
  const args = [OSMO_BIN, 'service', 'start', '--port', '0', '--data-dir', dataDir, '--dev'];
  if (options.prepare) args.push('--config', configFile);
  if (options.postgresUrl) args.push('--postgres-url', options.postgresUrl);
  args.push('--log-level', 'warn');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`service did not start: ${stderr}`)), START_TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}: ${stderr}`));
    });
  });
  return {
    url,
    dataDir,
    storeConfig,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
