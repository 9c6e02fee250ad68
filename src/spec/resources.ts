// Resource profiles: quantities, platforms, topology keys and each task's profile.

import { resourceError } from '../core/errors.js';
import { parseQuantityBytes } from './quantity.js';
import type { ParsedResource } from './schema/workflow-schema.js';
import type { ResourceSpec } from './types.js';

/** What the target pool says about platforms and topology; omit to skip those checks. */
export interface PoolContext {
  readonly name: string;
  readonly defaultPlatform: string | null;
  readonly platforms: readonly string[];
  readonly topologyKeys?: readonly string[];
}

/** Upstream's message, then the field to change and the values it may take. */
export function unknownPlatformMessage(
  platform: string,
  pool: string,
  profile: string,
  available: readonly string[],
): string {
  const choices = available.length === 0 ? 'the pool has no platforms' : `one of: ${available.join(', ')}`;
  return `Platform ${platform} does not exist in pool ${pool}! Set "resources.${profile}.platform" to ${choices}.`;
}

/** Upstream's message, then the field to set. */
export const missingPlatformMessage = (profile: string, pool: string): string =>
  `Resource ${profile} does not have a platform! Set "resources.${profile}.platform": pool ${pool} has no usable default platform.`;

/** Converts quantities and fills platforms from the pool; throws OsmoError(RESOURCE). */
export function resolveProfile(
  name: string,
  profile: ParsedResource,
  pool: PoolContext | undefined,
): ResourceSpec {
  let platform = profile.platform;
  if (pool !== undefined) {
    if (platform === null) {
      if (pool.defaultPlatform === null || !pool.platforms.includes(pool.defaultPlatform)) {
        throw resourceError(missingPlatformMessage(name, pool.name));
      }
      platform = pool.defaultPlatform;
    } else if (!pool.platforms.includes(platform)) {
      throw resourceError(unknownPlatformMessage(platform, pool.name, name, pool.platforms));
    }
    const keys = pool.topologyKeys;
    for (const t of profile.topology) {
      if (keys !== undefined && !keys.includes(t.key)) {
        throw resourceError(
          `Topology key "${t.key}" in resource "${name}" is not available in pool "${pool.name}". Available topology keys: [${keys.map((k) => `'${k}'`).join(', ')}]`,
        );
      }
    }
  }
  return {
    ...profile,
    platform,
    memoryBytes: profile.memory === null ? null : parseQuantityBytes(profile.memory, 'memory'),
    storageBytes: profile.storage === null ? null : parseQuantityBytes(profile.storage, 'storage'),
  };
}

/** The profile a task names (default `default`); throws OsmoError(RESOURCE). */
export function profileForTask(
  taskName: string,
  resourceName: string,
  profiles: Readonly<Record<string, ResourceSpec>>,
): ResourceSpec {
  const profile = Object.hasOwn(profiles, resourceName) ? profiles[resourceName] : undefined;
  if (profile !== undefined) return profile;
  if (resourceName === 'default') {
    throw resourceError(
      `Task ${taskName} has no specified resource. Specify a default resource in the resources section.`,
    );
  }
  throw resourceError(
    `Requesting undefined resource ${resourceName}. Task ${taskName} names it in its "resource" field; define it under "resources".`,
  );
}

/** `N%` (0–100) of storage, or a quantity checked like memory with field name `cache`. */
export function checkCacheSize(cacheSize: string): void {
  if (cacheSize.endsWith('%')) {
    const percent = Number(cacheSize.slice(0, -1));
    if (cacheSize.length === 1 || Number.isNaN(percent))
      throw resourceError(`Improperly formatted cache size: ${cacheSize}`);
    if (percent < 0 || percent > 100)
      throw resourceError(`Cache size must be between 0-100 percent: ${cacheSize}`);
    return;
  }
  parseQuantityBytes(cacheSize, 'cache');
}

/** `src` or `src:dest`; more colons or an empty dest are rejected. */
export function checkVolumeMount(mount: string): void {
  const parts = mount.split(':');
  if (parts.length > 2 || parts[0] === '' || parts[1] === '')
    throw resourceError(`Invalid task volume mount: ${mount}.`);
}
