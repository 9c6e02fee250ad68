// Reads the scheduling configuration file (YAML or JSON) and follows its changes while the service runs.
import { unwatchFile, watchFile } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { parse as parseYaml } from 'yaml';
import type { ConfigDocument } from '../config/pool-config.js';
import { parseConfigDocument } from '../config/pool-config.js';
import type { LiveConfig } from '../controller/live-config.js';

const WATCH_INTERVAL_MS = 500;

export async function readConfigFile(file: string): Promise<ConfigDocument> {
  return parseConfigDocument(parseYaml(await readFile(file, 'utf8')) as unknown);
}

/** Reloads the file when it changes; an invalid edit is logged and the running configuration stays. */
export function watchConfigFile(file: string, live: LiveConfig, log: Logger): () => void {
  let chain: Promise<void> = Promise.resolve();
  const reload = (): void => {
    chain = chain.then(async () => {
      try {
        await live.adopt(await readConfigFile(file), 'Reloaded from the configuration file');
        log.info({ file }, 'configuration file reloaded');
      } catch (err) {
        log.error(
          { file, err: err instanceof Error ? err.message : String(err) },
          'configuration file rejected',
        );
      }
    });
  };
  watchFile(file, { interval: WATCH_INTERVAL_MS }, (cur, prev) => {
    if (cur.mtimeMs !== prev.mtimeMs || cur.size !== prev.size) reload();
  });
  return () => unwatchFile(file);
}
