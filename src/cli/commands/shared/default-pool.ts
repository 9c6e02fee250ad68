// Default pool resolution (cli.md §1.11): the profile's pool, else the only visible pool, else a user error.
import { userError } from '../../../core/index.js';
import type { OsmoClient } from '../../client/osmo-client.js';
import { ServiceError } from '../../errors.js';

export const NO_DEFAULT_POOL =
  'No default pool set. Set a default pool using "osmo profile set pool <profile_name>" or specify a pool using --pool or -p.';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Probes that may fail on a service without the endpoint: a service error there means "no answer". */
async function probe(client: OsmoClient, path: string): Promise<unknown> {
  try {
    return await client.getJson(path);
  } catch (err) {
    if (err instanceof ServiceError && err.kind !== 'connection') return null;
    throw err;
  }
}

export async function resolvePool(client: OsmoClient, explicit: string | undefined): Promise<string> {
  if (explicit !== undefined) return explicit;
  const settings = await probe(client, 'api/profile/settings');
  // A service that does not answer profile settings (an error other than a failed connection)
  // gets submissions for the pool named `default`, the embedded service's only pool.
  if (settings === null) return 'default';
  const profile = isRecord(settings) ? settings['profile'] : null;
  const pool = isRecord(profile) ? profile['pool'] : null;
  if (typeof pool === 'string' && pool !== '') return pool;
  const listing = await probe(client, 'api/pool');
  const pools = isRecord(listing) ? listing['pools'] : null;
  if (isRecord(pools)) {
    const names = Object.keys(pools);
    if (names.length === 1 && names[0] !== undefined) return names[0];
  }
  throw userError(NO_DEFAULT_POOL);
}
