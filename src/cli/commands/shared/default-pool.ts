// Default pool resolution: the profile's pool, else the only visible pool, else a user error.
import { userError } from '../../../core/index.js';
import type { OsmoClient } from '../../client/osmo-client.js';
import type { WireRef } from '../../client/wire-check.js';
import { ServiceError } from '../../errors.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export const NO_DEFAULT_POOL =
  'No default pool set. Set a default pool using "osmo profile set pool <profile_name>" or specify a pool using --pool or -p.';

/** Probes that may fail on a service without the endpoint: a service error there means "no answer". */
async function probe<T>(client: OsmoClient, ref: WireRef<T>, path: string): Promise<T | null> {
  try {
    return await client.get(ref, path);
  } catch (err) {
    if (err instanceof ServiceError && err.kind !== 'connection') return null;
    throw err;
  }
}

export async function resolvePool(client: OsmoClient, explicit: string | undefined): Promise<string> {
  if (explicit !== undefined) return explicit;
  const settings = await probe(client, WIRE.ProfilePool, 'api/profile/settings');
  // A service that does not answer profile settings (an error other than a failed connection)
  // gets submissions for the pool named `default`, the embedded service's only pool.
  if (settings === null) return 'default';
  const pool = settings.profile?.pool;
  if (typeof pool === 'string' && pool !== '') return pool;
  const listing = await probe(client, WIRE.PoolList, 'api/pool');
  if (listing !== null) {
    const names = Object.keys(listing.pools);
    if (names.length === 1 && names[0] !== undefined) return names[0];
  }
  throw userError(NO_DEFAULT_POOL);
}
