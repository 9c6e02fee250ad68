// Fetches a `dataset:` input: the version's content-addressed objects, each to its path under the input directory.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AttemptLaunch, InputSource } from '../core/index.js';
import { confinedPath, forEachLimited, openStorage, type StoredObject } from '../storage/index.js';

const CONCURRENCY = 8;

export async function downloadDatasetObjects(
  launch: AttemptLaunch,
  input: Extract<InputSource, { kind: 'dataset' }>,
  dir: string,
  filter: ((key: string) => boolean) | undefined,
  signal: AbortSignal,
): Promise<StoredObject[]> {
  const storage = openStorage(launch.storage);
  const wanted = input.objects.filter((o) => filter === undefined || filter(o.path));
  const done: StoredObject[] = [];
  await forEachLimited(wanted, CONCURRENCY, async (object) => {
    // Manifest paths are data: a `..` or absolute path is refused, never written outside the input dir.
    const target = await confinedPath(dir, object.path);
    await mkdir(dirname(target), { recursive: true });
    await storage.getToFile(object.key, target, signal);
    done.push({ key: object.path, sizeBytes: 0 });
  });
  return done.sort((a, b) => (a.key < b.key ? -1 : 1));
}
