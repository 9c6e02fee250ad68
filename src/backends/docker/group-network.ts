// One user-defined network per group, so `{{host:task}}` names resolve between the group's containers.
import type Docker from 'dockerode';
import type { AttemptRef } from '../../core/index.js';
import { LABELS, networkName } from './container-spec.js';
import { statusOf } from './engine-client.js';

/** Creates the group's network unless it exists; `internal` keeps containers off every other destination. */
export async function ensureGroupNetwork(
  engine: Docker,
  ref: AttemptRef,
  backendId: string,
  internal: boolean,
): Promise<void> {
  const name = networkName(ref.groupUuid);
  try {
    await engine.getNetwork(name).inspect();
    return;
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
  try {
    await engine.createNetwork({
      Name: name,
      Driver: 'bridge',
      Internal: internal,
      CheckDuplicate: true,
      Labels: {
        [LABELS.managed]: 'true',
        [LABELS.backend]: backendId,
        [LABELS.workflowUuid]: ref.workflowUuid,
        [LABELS.groupUuid]: ref.groupUuid,
      },
    });
  } catch (err) {
    // A sibling created it at the same moment (Docker answers 409, Podman 500 "already exists").
    const exists = await engine
      .getNetwork(name)
      .inspect()
      .then(
        () => true,
        () => false,
      );
    if (!exists) throw err;
  }
}

/** Removes the group's network once no container uses it; a busy or gone network is left alone. */
export async function removeGroupNetwork(engine: Docker, groupUuid: string): Promise<void> {
  const name = networkName(groupUuid);
  const users = await engine.listContainers({ all: true, filters: { network: [name] } }).catch(() => [{}]);
  if (users.length > 0) return;
  await engine
    .getNetwork(name)
    .remove()
    .catch(() => undefined);
}
