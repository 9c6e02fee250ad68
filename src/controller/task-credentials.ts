// A task's `credentials:` at submission (they must exist) and at launch (projected, values masked in logs).
import { type AttemptLaunch, userError } from '../core/index.js';
import { projectCredentials } from '../identity/index.js';
import type { CredentialVault } from '../identity/index.js';
import type { WorkflowSpec } from '../spec/index.js';

export type CredentialResolver = Pick<CredentialVault, 'resolve' | 'resolveAll'>;

/** Submission check: every named credential and mapped key exists. */
export async function assertTaskCredentials(
  resolver: CredentialResolver | undefined,
  spec: WorkflowSpec,
  user: string,
): Promise<void> {
  for (const group of spec.groups) {
    for (const task of group.tasks) {
      if (Object.keys(task.credentials).length === 0) continue;
      if (resolver === undefined) throw userError('This service stores no credentials.');
      await projectCredentials(resolver, user, task.credentials);
    }
  }
}

/** Adds the projected env vars and 0600 files to a launch; its values join the masked secrets. */
export async function withTaskCredentials(
  resolver: CredentialResolver | undefined,
  spec: WorkflowSpec,
  user: string,
  launch: AttemptLaunch,
): Promise<AttemptLaunch> {
  const task = spec.groups
    .find((g) => g.name === launch.groupName)
    ?.tasks.find((t) => t.name === launch.taskName);
  if (task === undefined || Object.keys(task.credentials).length === 0) return launch;
  if (resolver === undefined) throw userError('This service stores no credentials.');
  const projected = await projectCredentials(resolver, user, task.credentials);
  return {
    ...launch,
    environment: { ...launch.environment, ...projected.environment },
    files: [...launch.files, ...projected.files.map((f) => ({ ...f, base64: false }))],
    secrets: [...launch.secrets, ...projected.secrets],
  };
}
