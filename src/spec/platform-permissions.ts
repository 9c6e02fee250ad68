// What a platform lets a task ask for: privileged mode, the host's network, host mounts.
import type { HostMount } from '../core/attempt.js';

/** The platform settings these checks read, as the pool configuration holds them. */
export interface PlatformPermissions {
  readonly privileged_allowed: boolean;
  readonly host_network_allowed: boolean;
  readonly allowed_mounts: readonly string[];
  readonly default_mounts: readonly string[];
}

export interface TaskPermissionRequest {
  readonly name: string;
  readonly privileged: boolean;
  readonly hostNetwork: boolean;
  readonly volumeMounts: readonly string[];
}

/** `src` or `src:dest` (checked for syntax when the spec was parsed); `src` alone mounts at the same path. */
export function parseHostMount(mount: string): HostMount {
  const colon = mount.indexOf(':');
  return colon < 0
    ? { hostPath: mount, taskPath: mount }
    : { hostPath: mount.slice(0, colon), taskPath: mount.slice(colon + 1) };
}

/** Upstream's message for the first request the platform does not allow, or null. */
export function platformPermissionViolation(
  task: TaskPermissionRequest,
  platformName: string,
  platform: PlatformPermissions,
): string | null {
  if (task.privileged && !platform.privileged_allowed) {
    return `Task with platform: ${platformName} does not have privileged flag enabled. Task ${task.name}`;
  }
  if (task.hostNetwork && !platform.host_network_allowed) {
    return `Task with platform: ${platformName} does not have hostNetwork flag enabled. Task ${task.name}`;
  }
  for (const mount of task.volumeMounts) {
    const { hostPath } = parseHostMount(mount);
    const isDefault = platform.default_mounts.includes(hostPath);
    const isAllowed = platform.allowed_mounts.includes(hostPath);
    if (isDefault && !isAllowed) {
      return `Mount ${hostPath} is already provided by platform ${platformName} and cannot be set in volumeMounts. Remove it from the task spec. Task ${task.name}`;
    }
    if (!isDefault && !isAllowed) {
      return `Task with platform: ${platformName} does not allow mount: ${hostPath}. Task ${task.name}`;
    }
  }
  return null;
}

/** The platform's default mounts, then the task's own; a source named twice is mounted once. */
export function hostMountsOf(volumeMounts: readonly string[], defaultMounts: readonly string[]): HostMount[] {
  const mounts = new Map<string, HostMount>();
  for (const mount of [...defaultMounts, ...volumeMounts]) {
    const parsed = parseHostMount(mount);
    mounts.set(parsed.hostPath, parsed);
  }
  return [...mounts.values()];
}
