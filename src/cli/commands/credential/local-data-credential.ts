// The CLI's local copy of DATA credentials (in config.yaml): written by `credential set --type DATA`,
// shown by `credential list`, pruned by `credential delete`, read by `osmo data` and `osmo dataset`.
import {
  dataConfigFilePath,
  readDataConfigFile,
  removeDataConfigEntry,
  writeDataConfigEntry,
  type DataConfigEntry,
} from '../../../config/data-config-file.js';

/** The seed's skill writes `secret_key=`; the reference's key is `access_key`. Both mean the same secret. */
const KEY_ALIASES: Readonly<Record<string, string>> = { secret_key: 'access_key' };

export const stripEndpoint = (endpoint: string): string => endpoint.replace(/\/+$/, '');

/** A DATA payload with aliases renamed to the reference's keys; an explicit reference key wins. */
export function canonicalDataPayload(payload: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload)) {
    const canonical = KEY_ALIASES[key] ?? key;
    if (canonical !== key && payload[canonical] !== undefined) continue;
    out[canonical] = value;
  }
  if (out['endpoint'] !== undefined) out['endpoint'] = stripEndpoint(out['endpoint']);
  return out;
}

function entryOf(payload: Readonly<Record<string, string>>): DataConfigEntry {
  const style = payload['addressing_style'];
  return {
    access_key_id: payload['access_key_id'] ?? '',
    access_key: payload['access_key'] ?? '',
    region: payload['region'],
    override_url: payload['override_url'],
    ...(style === 'virtual' || style === 'path' || style === 'auto' ? { addressing_style: style } : {}),
  };
}

/** Saves the credential the service just accepted, keyed by its endpoint. */
export async function storeLocalDataCredential(
  configDir: string,
  payload: Readonly<Record<string, string>>,
): Promise<void> {
  const endpoint = payload['endpoint'];
  if (endpoint === undefined) return;
  await writeDataConfigEntry(dataConfigFilePath(configDir), stripEndpoint(endpoint), entryOf(payload));
}

/** The endpoints this machine holds a DATA credential for. */
export async function localDataEndpoints(configDir: string): Promise<ReadonlySet<string>> {
  const entries = await readDataConfigFile(dataConfigFilePath(configDir));
  return new Set(Object.keys(entries).map(stripEndpoint));
}

export async function forgetLocalDataCredential(configDir: string, endpoint: string): Promise<void> {
  const path = dataConfigFilePath(configDir);
  if (!(await removeDataConfigEntry(path, endpoint))) {
    await removeDataConfigEntry(path, `${stripEndpoint(endpoint)}/`);
  }
}
