// Gives a launched attempt the `osmo` CLI, with a credential of its own that dies with the attempt.
import type { AttemptLaunch, AttemptRef, TaskCliLaunch } from '../core/index.js';
import type { Store, Workflow } from '../store/index.js';
import type { EngineContext } from './context.js';
import { taskDataCredentials } from './task-data-credentials.js';

/** Opens and closes attempts' CLI credentials; the service wires it (it holds the signing key). */
export interface TaskCliProvider {
  /** The CLI for one attempt of `user`, or null when this service offers none (yet). */
  open(
    ref: AttemptRef,
    user: string,
    nodeName: string,
    expiresAt: Date | null,
  ): Promise<TaskCliLaunch | null>;
  /**
   * The attempt's end is being recorded through `store` (a transaction's, whose connection the write
   * must use): its credential stops working when that commits.
   */
  close(store: Store, attempt: { readonly taskUuid: string; readonly retryId: number }): Promise<void>;
}

// Should an attempt's end never be recorded, its credential still lapses this long after its time limit.
const GRANT_MARGIN_MS = 3600_000;
// A workflow without an execution limit: the credential lapses after this long all the same.
const UNLIMITED_GRANT_MS = 30 * 86400_000;

/** Adds the CLI (and its credential, masked in the logs) to a launch placed on `nodeName`. */
export async function withTaskCli(
  ctx: EngineContext,
  workflow: Workflow,
  nodeName: string,
  launch: AttemptLaunch,
): Promise<AttemptLaunch> {
  if (ctx.taskCli === undefined) return launch;
  const lifetimeMs =
    workflow.execTimeoutSeconds === null ? UNLIMITED_GRANT_MS : workflow.execTimeoutSeconds * 1000;
  const expiresAt = new Date(ctx.now().getTime() + lifetimeMs + GRANT_MARGIN_MS);
  const cli = await ctx.taskCli.open(launch, workflow.submittedBy, nodeName, expiresAt);
  if (cli === null) return launch;
  // `osmo data` in the task reads the user's DATA credentials as it would on the user's workstation.
  const data = await taskDataCredentials(ctx.credentials, workflow.submittedBy);
  return {
    ...launch,
    taskCli: data.credentials.length === 0 ? cli : { ...cli, dataCredentials: data.credentials },
    secrets: [...launch.secrets, cli.accessToken, cli.refreshToken, ...data.secrets],
  };
}
