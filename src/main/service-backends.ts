// Makes the service's backends: the start-up one (`--backend`, or the automatic choice), which every
// configured backend without a kind of its own runs on, and the set that makes the others by name.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { BackendSchema } from '../config/pool-config.js';
import type { ServiceConfig } from '../config/service-config.js';
import type { BackendKind } from '../core/index.js';
import { BackendSet, type BackendMaker } from '../controller/backend-set.js';
import type { BackendChoice } from './backend-choice.js';
import { BACKEND_FACTORIES, type BackendErrorHandler } from './backend-factories.js';

/** A backend's failures are logged with the attempt they hit; the attempt itself ends with a status. */
const logBackendError =
  (log: Logger, backend: string): BackendErrorHandler =>
  (err, ref) =>
    log.error(
      {
        err,
        backend,
        ...(ref ? { workflowId: ref.workflowId, task: ref.taskName, retryId: ref.retryId } : {}),
      },
      'backend error',
    );

export async function startBackends(
  config: ServiceConfig,
  choice: BackendChoice,
  log: Logger,
): Promise<{ readonly set: BackendSet; readonly choice: BackendChoice }> {
  let set: BackendSet | null = null;
  const onError =
    (name: string): BackendErrorHandler =>
    (err, ref) => {
      logBackendError(log, name === '' ? choice.backend : name)(err, ref);
      set?.recordError(name, err);
    };
  const factory = BACKEND_FACTORIES.get(choice.backend);
  if (factory === undefined)
    throw new Error(`The ${choice.backend} backend is not available in this service`);
  const workRoot = join(config.dataDir, 'work');
  await mkdir(workRoot, { recursive: true });
  const startupEntry = BackendSchema.parse({
    name: 'default',
    kind: choice.backend,
    docker_host: choice.dockerHost,
  });
  const startup = await factory(startupEntry, { config, workRoot, onError: onError(''), startup: true });
  // Each backend of its own keeps its attempts apart, so a restart hands each one only its own.
  const makers = new Map<BackendKind, BackendMaker>(
    [...BACKEND_FACTORIES].map(([kind, make]) => [
      kind,
      async (entry) => {
        const root = join(config.dataDir, 'backends', entry.name);
        await mkdir(root, { recursive: true, mode: 0o700 });
        return make(entry, { config, workRoot: root, onError: onError(entry.name), startup: false });
      },
    ]),
  );
  set = new BackendSet(startup, makers, log);
  // Dev mode runs tasks without the sandbox where it cannot work: the line must not promise one.
  const chosen =
    startup.unsandboxedBecause === null
      ? choice
      : { ...choice, reason: `${choice.reason}; without a sandbox here (${startup.unsandboxedBecause})` };
  log.info({ backend: chosen.backend, dockerHost: chosen.dockerHost }, `backend ${chosen.reason}`);
  return { set, choice: chosen };
}
