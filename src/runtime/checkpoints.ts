// Checkpoints: each path is pushed to its URL on its interval while the command runs, then once more.
import { setTimeout as sleep } from 'node:timers/promises';
import type { AttemptLaunch, CheckpointTarget, TaskPaths } from '../core/index.js';
import { posix } from 'node:path';
import { openStorageUrl, type StoredObject } from '../storage/index.js';
import type { TransferLog } from './data-transfer.js';
import { launchCredentialResolver } from './launch-credentials.js';

export interface RunningCheckpoints {
  /** Stops the loops and does the final upload of every checkpoint. */
  finish(): Promise<void>;
  /** Stops the loops without a final upload (the command was stopped). */
  cancel(): void;
}

/** Starts one loop per checkpoint; the interval counts from the end of the previous upload. */
export function startCheckpoints(
  launch: AttemptLaunch,
  host: TaskPaths,
  shown: TaskPaths,
  log: TransferLog,
): RunningCheckpoints {
  const stop = new AbortController();
  const loops = (launch.checkpoints ?? []).map(async (checkpoint) => {
    for (;;) {
      try {
        await sleep(checkpoint.frequencySeconds * 1000, undefined, { signal: stop.signal });
      } catch {
        return;
      }
      await pushCheckpoint(launch, checkpoint, host, shown, log);
    }
  });
  return {
    cancel: () => stop.abort(),
    finish: async () => {
      stop.abort();
      await Promise.all(loops);
      for (const checkpoint of launch.checkpoints ?? [])
        await pushCheckpoint(launch, checkpoint, host, shown, log);
    },
  };
}

/** One upload; a failure is logged and the next interval tries again (a checkpoint never fails the task). */
async function pushCheckpoint(
  launch: AttemptLaunch,
  checkpoint: CheckpointTarget,
  host: TaskPaths,
  shown: TaskPaths,
  log: TransferLog,
): Promise<void> {
  log('UPLOAD', `Checkpointing data from ${checkpoint.path} to ${checkpoint.url}...`);
  try {
    const source = hostPathOf(checkpoint.path, host, shown);
    if (source === null) {
      throw new Error('a checkpoint path must lie in the output directory or the workspace');
    }
    const objects = await uploadCheckpoint(launch, checkpoint, source);
    log('UPLOAD', `Checkpointed data from ${checkpoint.path} to ${checkpoint.url} (${objects.length} files)`);
  } catch (err) {
    log(
      'UPLOAD',
      `Failed to checkpoint ${checkpoint.path} to ${checkpoint.url}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

function uploadCheckpoint(
  launch: AttemptLaunch,
  checkpoint: CheckpointTarget,
  source: string,
): Promise<readonly StoredObject[]> {
  const target = openStorageUrl(checkpoint.url, launchCredentialResolver(launch));
  const regex = checkpoint.regex === null ? null : new RegExp(checkpoint.regex);
  // The task is still writing the directory: read it as a stranger's, never through a link out of it.
  return target.storage.uploadDirectory(
    source,
    target.prefix,
    regex === null ? { confined: true } : { filter: (k) => regex.test(k), confined: true },
  );
}

/**
 * The host path behind a path the task sees inside its output or workspace directory; null for any
 * other path, which names the host's own files rather than the task's.
 */
export function hostPathOf(path: string, host: TaskPaths, shown: TaskPaths): string | null {
  for (const [seen, real] of [
    [shown.output, host.output],
    [shown.workspace, host.workspace],
  ] as const) {
    const normal = posix.normalize(path);
    if (normal === seen || normal.startsWith(`${seen}/`)) return real + normal.slice(seen.length);
  }
  return null;
}
