// Privileged mode, host network and host mounts against the task's platform: refused at submit, mounted at launch.
import type { Backend } from '../backends/index.js';
import type { ConfigDocument } from '../config/pool-config.js';
import type { HostMount } from '../core/index.js';
import { resourceError } from '../core/index.js';
import type { TaskSpec } from '../spec/index.js';
import { hostMountsOf, platformPermissionViolation } from '../spec/index.js';
import type { EngineContext } from './context.js';

/** Throws upstream's message when the platform does not allow what the task asks for, or the backend cannot. */
export function assertPlatformPermits(
  ctx: EngineContext,
  doc: ConfigDocument,
  pool: string,
  platform: string,
  task: TaskSpec,
): void {
  const settings = doc.pools[pool]?.platforms[platform];
  if (settings === undefined) return;
  const violation = platformPermissionViolation(task, platform, settings);
  if (violation !== null) throw resourceError(violation);
  // A pool whose backend does not run now is checked again when its tasks launch.
  const backend = ctx.backends.byName(doc.pools[pool]?.backend ?? '');
  if (task.volumeMounts.length > 0 && backend !== null && backend.mountsHostPaths !== true) {
    throw resourceError(
      `Task ${task.name} sets volumeMounts, but the ${backend.kind} backend cannot mount host paths into a task. Remove "volumeMounts" or submit to a pool on the container backend.`,
    );
  }
}

/**
 * What the backend mounts for a task: its platform's default mounts and its own `volumeMounts`,
 * checked again against the platform in force (an admin may have withdrawn a mount since submit).
 * None on a backend that cannot mount host paths, where the platform's defaults cannot be provided.
 */
export function hostMountsFor(
  ctx: EngineContext,
  backend: Backend,
  pool: string,
  platform: string | null,
  task: TaskSpec,
): HostMount[] {
  if (backend.mountsHostPaths !== true) return [];
  const poolConfig = ctx.config.current().pools[pool];
  const name = platform ?? poolConfig?.default_platform ?? null;
  const settings = name === null ? undefined : poolConfig?.platforms[name];
  if (settings === undefined || name === null) {
    if (task.volumeMounts.length > 0)
      throw resourceError(`Platform of task ${task.name} is gone: its volumeMounts cannot be checked`);
    return [];
  }
  const violation = platformPermissionViolation(
    { ...task, privileged: false, hostNetwork: false },
    name,
    settings,
  );
  if (violation !== null) throw resourceError(violation);
  return hostMountsOf(task.volumeMounts, settings.default_mounts);
}
