// The data parts of a launch: checkpoint targets and the DATA credentials for the task's storage URIs.
import type { CheckpointTarget, LaunchDataCredential, StorageLocation, TaskPaths } from '../core/index.js';
import type { TaskSpec } from '../spec/index.js';
import { parseStorageUri } from '../storage/index.js';

/** Checkpoints with `{{output}}` / `{{workflow_id}}` resolved as the task sees them. */
export function checkpointTargets(task: TaskSpec, paths: TaskPaths, workflowId: string): CheckpointTarget[] {
  const resolve = (text: string): string =>
    text.replace(/\{\{\s*output\s*\}\}/g, paths.output).replace(/\{\{\s*workflow_id\s*\}\}/g, workflowId);
  return task.checkpoint.map((c) => ({
    // The spec makes a relative path absolute (`{{output}}/x` -> `/{{output}}/x`): collapse the doubled slash.
    path: resolve(c.path).replace(/^\/+/, '/'),
    url: resolve(c.url),
    frequencySeconds: c.frequencySeconds,
    regex: c.regex || null,
  }));
}

/**
 * Until per-user DATA credentials reach the service (issue 7), the deployment's own S3 credential serves
 * every `s3://` profile the task names: the buckets of the deployment's S3 endpoint.
 */
export function launchDataCredentials(
  storage: StorageLocation,
  uris: readonly string[],
): LaunchDataCredential[] {
  if (storage.kind !== 's3' || storage.credentials === null) return [];
  const profiles = new Set<string>();
  for (const uri of uris) {
    try {
      const parsed = parseStorageUri(uri);
      if (parsed.scheme === 's3') profiles.add(parsed.profile);
    } catch {
      // An unparsable URI fails in the runtime with its own message; it needs no credential here.
    }
  }
  const { credentials } = storage;
  return [...profiles].map((profile) => ({
    profile,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    region: storage.region,
    endpointUrl: storage.endpointUrl,
    addressingStyle: storage.pathStyle ? 'path' : 'virtual',
  }));
}
