// What to change in the engine's settings when a container fails for a reason of the engine, not the task.

/**
 * Rootless Podman inside a container or a restricted session may neither raise nor copy the limits it
 * inherits (the OCI runtime then reports "error setting rlimit"), and the crun it defaults to is not
 * always installed. Neither is the workflow's fault; the fix lives in containers.conf.
 */
const HINTS: readonly { readonly pattern: RegExp; readonly hint: string }[] = [
  {
    pattern: /error setting rlimits?\b|setrlimit .*operation not permitted/i,
    hint: [
      'The container engine could not apply the process limits it passes to containers (common with rootless Podman).',
      'Set explicit limits in containers.conf (~/.config/containers/containers.conf, or a file named by $CONTAINERS_CONF):',
      '  [containers]',
      '  default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]',
      'then restart the engine (podman system service, or systemctl --user restart podman.socket).',
    ].join('\n'),
  },
  {
    pattern: /OCI runtime "?crun"? not found|crun: .*(?:permission denied|operation not permitted|cannot)/i,
    hint: [
      "The container engine's OCI runtime crun is missing or cannot run here.",
      'Use runc instead: install it and set in containers.conf (~/.config/containers/containers.conf, or $CONTAINERS_CONF):',
      '  [engine]',
      '  runtime = "runc"',
      'then restart the engine.',
    ].join('\n'),
  },
];

/** The settings to change for a task's failure message, or null when the failure is the task's own. */
export function engineSettingsHint(message: string | null): string | null {
  if (message === null) return null;
  return HINTS.find((h) => h.pattern.test(message))?.hint ?? null;
}
