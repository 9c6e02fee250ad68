// Checks that a task's command exists in its image before the container is created.
import type Docker from 'dockerode';
import type { AttemptLaunch } from '../../core/index.js';
import { entrypointOf, searchPath } from './container-spec.js';

/**
 * Whether the command exists in the image, checked through the archive API so images without a
 * shell work: an init process would otherwise turn "not found" into an ordinary exit code.
 * Resolves to the failure message, or null when the command is there.
 */
export async function missingCommand(
  engine: Docker,
  launch: AttemptLaunch,
  body: Docker.ContainerCreateOptions,
  imageEnv: string[],
): Promise<string | null> {
  const command = entrypointOf(body);
  if (command === undefined) return 'The task has no command';
  const probe = await engine.createContainer({
    Image: launch.image,
    Entrypoint: ['/osmo-probe'],
    Labels: { ...body.Labels, 'osmo.probe': 'true' },
  });
  try {
    const candidates = command.includes('/')
      ? [command.startsWith('/') ? command : `/${command}`]
      : searchPath(body, imageEnv).map((dir) => `${dir}/${command}`);
    for (const path of candidates) {
      // The HEAD answer arrives as an unread stream; left unread it pins its socket (and the process).
      const found = await probe.infoArchive({ path }).then(
        (res: NodeJS.ReadableStream) => {
          res.resume();
          return true;
        },
        () => false,
      );
      if (found) return null;
    }
    return `Failed to start the command "${command}": not found in image ${launch.image}`;
  } finally {
    await probe.remove({ force: true }).catch(() => undefined);
  }
}
