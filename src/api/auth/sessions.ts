// Login sessions and personal tokens: opaque secrets (stored only as hashes) exchanged for short-lived access tokens.
import { createHash, randomBytes } from 'node:crypto';
import { userError } from '../../core/index.js';
import type { AccessToken, Store } from '../../store/index.js';
import { ADMIN_ROLE, USER_ROLE } from './caller.js';
import type { SigningKey } from './jwt.js';
import { signAccessToken } from './jwt.js';

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** 32 random bytes, URL-safe base64: the 43-character form upstream uses for access tokens. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

export interface IssuedAccess {
  readonly token: string;
  readonly expires_at: number;
}

export interface SessionDeps {
  readonly store: Store;
  readonly key: SigningKey;
  readonly now: () => Date;
  readonly accessTokenTtlSeconds: number;
  readonly sessionTtlDays: number;
  readonly adminUsers: readonly string[];
}

/** The stored grant an access token is issued for: a login session or a personal token. */
type Grant = Pick<AccessToken, 'userName' | 'tokenName' | 'kind'>;

/**
 * Signs a short-lived access token naming its grant. The roles in it are informational (clients show
 * them); every request takes the caller's roles from the store (see authenticate.ts).
 */
export async function issueAccess(deps: SessionDeps, grant: Grant): Promise<IssuedAccess> {
  const now = Math.floor(deps.now().getTime() / 1000);
  const personal = grant.kind === 'personal' ? grant.tokenName : null;
  const held = await deps.store.accounts.effectiveRoles(grant.userName, personal);
  // A task's CLI never holds the admin role, whoever submitted the workflow (see caller-grant.ts).
  const roles = grant.kind === 'task' ? held.filter((r) => r !== ADMIN_ROLE) : held;
  const token = signAccessToken(
    deps.key,
    {
      user: grant.userName,
      roles,
      ...(grant.kind === 'personal'
        ? { tokenName: grant.tokenName }
        : grant.kind === 'task'
          ? { task: grant.tokenName }
          : { session: grant.tokenName }),
    },
    now,
    deps.accessTokenTtlSeconds,
  );
  return { token, expires_at: now + deps.accessTokenTtlSeconds };
}

/**
 * Opens a session for an existing, authenticated user: a refresh secret plus a first access token.
 * `label` names what the session was opened for (an OAuth client's grant is `oauth-…`, with its client).
 */
export async function openSession(
  deps: SessionDeps,
  user: string,
  label: { readonly prefix: string; readonly description: string | null } = {
    prefix: 'session',
    description: null,
  },
): Promise<IssuedAccess & { refresh_token: string }> {
  const at = deps.now();
  const secret = newSecret();
  const session = await deps.store.tokens.create({
    userName: user,
    tokenName: `${label.prefix}-${randomBytes(6).toString('hex')}`,
    tokenHash: hashSecret(secret),
    description: label.description,
    expiresAt: new Date(at.getTime() + deps.sessionTtlDays * 86400_000),
    kind: 'session',
    createdAt: at,
  });
  return { ...(await issueAccess(deps, session)), refresh_token: secret };
}

/** Dev mode only: creates the user when new and gives it its roles, then opens a session. */
export async function openDevSession(
  deps: SessionDeps,
  user: string,
): Promise<IssuedAccess & { refresh_token: string }> {
  const at = deps.now();
  const created = (await deps.store.users.get(user)) === null;
  await deps.store.users.upsert(user, 'dev-login', at);
  if (created || deps.adminUsers.includes(user)) {
    const roles = deps.adminUsers.includes(user) ? [USER_ROLE, ADMIN_ROLE] : [USER_ROLE];
    await deps.store.users.addRoles(user, roles, 'osmo', at);
  }
  return openSession(deps, user);
}

/** Exchanges a session secret or a personal access token for a fresh access token. */
export async function refreshAccess(deps: SessionDeps, secret: string): Promise<IssuedAccess> {
  if (secret.length !== 43 && secret.length !== 64) {
    throw userError(`Access token has invalid length ${secret.length}`);
  }
  const stored = await deps.store.tokens.findByHash(hashSecret(secret));
  if (!stored) throw userError('Access Token is invalid');
  if (stored.expiresAt !== null && stored.expiresAt.getTime() <= deps.now().getTime()) {
    throw userError('Access Token has expired');
  }
  await deps.store.tokens.touch(stored.tokenHash, deps.now());
  return issueAccess(deps, stored);
}

/** Revokes a login session; personal tokens are deleted only with `osmo token delete`. */
export async function closeSession(deps: SessionDeps, secret: string): Promise<void> {
  const stored = await deps.store.tokens.findByHash(hashSecret(secret));
  if (stored?.kind === 'session') await deps.store.tokens.deleteByHash(stored.tokenHash);
}
