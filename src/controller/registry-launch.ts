// Pull auth for a task's image from a REGISTRY credential the task names in `credentials:`.
import type { AttemptLaunch } from '../core/index.js';
import { registryOfImage } from '../backends/docker/registry-auth.js';
import type { WorkflowSpec } from '../spec/index.js';
import type { CredentialResolver } from './task-credentials.js';

/**
 * Sets `registryAuth` from the first REGISTRY credential in the task's `credentials:` whose scope
 * (`host[/path]`) covers the image; other launches pass through unchanged.
 */
export async function withRegistryAuth(
  resolver: CredentialResolver | undefined,
  spec: WorkflowSpec,
  user: string,
  launch: AttemptLaunch,
): Promise<AttemptLaunch> {
  const task = spec.groups
    .find((g) => g.name === launch.groupName)
    ?.tasks.find((t) => t.name === launch.taskName);
  if (resolver === undefined || task === undefined) return launch;
  const host = registryOfImage(launch.image);
  const repository = launch.image.startsWith(`${host}/`) ? launch.image : `${host}/${launch.image}`;
  for (const name of Object.keys(task.credentials)) {
    const credential = await resolver.resolve(user, name);
    if (credential?.type !== 'REGISTRY' || credential.profile === null) continue;
    const scope = credential.profile;
    if (repository.toLowerCase() !== scope && !repository.toLowerCase().startsWith(`${scope}/`)) continue;
    const password = credential.payload['auth'] ?? '';
    return {
      ...launch,
      registryAuth: { registry: host, username: credential.payload['username'] ?? '', password },
      secrets: [...launch.secrets, password],
    };
  }
  return launch;
}
