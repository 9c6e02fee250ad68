// The resource shapes the `osmo resource` commands read: the service's wire schemas.
export type { ResourceEntry, Resources as ResourcesResponse } from '../../../api/contract/pool-wire.js';

/** `pool/platform` split at the first slash (pool names cannot hold one). */
export function splitPair(pair: string): [string, string] {
  const at = pair.indexOf('/');
  return at === -1 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
}
