// The credential of a task's `osmo` CLI: a grant of one attempt, opened at launch and closed at its end.
import type { Store } from '../../store/index.js';
import { hashSecret, issueAccess, newSecret, type SessionDeps } from './sessions.js';

/** The grant's name: `:` keeps it apart from every name a user may give a token. */
export const taskGrantName = (attempt: { readonly taskUuid: string; readonly retryId: number }): string =>
  `task:${attempt.taskUuid}:${attempt.retryId}`;

export interface TaskGrant {
  readonly accessToken: string;
  /** The secret the CLI refreshes its access token with; only its hash is stored. */
  readonly refreshToken: string;
}

/**
 * Opens (or, for an attempt launched again after a restart, replaces) the attempt's grant for `user`.
 * `expiresAt` bounds it should the end of the attempt never be recorded.
 */
export async function openTaskGrant(
  deps: SessionDeps,
  user: string,
  name: string,
  expiresAt: Date | null,
): Promise<TaskGrant> {
  await deps.store.tokens.deleteNamed(name, 'task');
  const secret = newSecret();
  const grant = await deps.store.tokens.create({
    userName: user,
    tokenName: name,
    tokenHash: hashSecret(secret),
    expiresAt,
    description: 'the osmo CLI of a running task',
    kind: 'task',
    createdAt: deps.now(),
  });
  const access = await issueAccess(deps, grant);
  return { accessToken: access.token, refreshToken: secret };
}

/** Closes the attempt's grant: its access tokens stop working on their next request. */
export const closeTaskGrant = (store: Store, name: string): Promise<boolean> =>
  store.tokens.deleteNamed(name, 'task');
