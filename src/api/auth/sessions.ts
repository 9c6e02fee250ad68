// Login sessions: an opaque refresh secret (stored only as its hash) exchanged for short-lived access tokens.
import { createHash, randomBytes } from 'node:crypto';
import { userError } from '../../core/index.js';
import type { Store } from '../../store/index.js';
import { USER_ROLE } from './caller.js';
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

async function rolesOf(deps: SessionDeps, user: string): Promise<string[]> {
  return (await deps.store.users.getRoles(user)).map((r) => r.roleName).sort();
}

export async function issueAccess(
  deps: SessionDeps,
  user: string,
  tokenName?: string,
): Promise<IssuedAccess> {
  const now = Math.floor(deps.now().getTime() / 1000);
  const roles = await rolesOf(deps, user);
  const token = signAccessToken(
    deps.key,
    { user, roles, ...(tokenName === undefined ? {} : { tokenName }) },
    now,
    deps.accessTokenTtlSeconds,
  );
  return { token, expires_at: now + deps.accessTokenTtlSeconds };
}

/** Creates the user when new, gives it its roles, and opens a session. */
export async function openSession(
  deps: SessionDeps,
  user: string,
): Promise<IssuedAccess & { refresh_token: string }> {
  const at = deps.now();
  await deps.store.users.upsert(user, 'dev-login', at);
  const roles = deps.adminUsers.includes(user) ? [USER_ROLE, 'osmo-admin'] : [USER_ROLE];
  await deps.store.users.addRoles(user, roles, 'osmo', at);
  const secret = newSecret();
  await deps.store.tokens.create({
    userName: user,
    tokenName: `session-${randomBytes(6).toString('hex')}`,
    tokenHash: hashSecret(secret),
    expiresAt: new Date(at.getTime() + deps.sessionTtlDays * 86400_000),
    kind: 'session',
    createdAt: at,
  });
  return { ...(await issueAccess(deps, user)), refresh_token: secret };
}

/** Exchanges a session secret or a personal access token for a fresh access token (cli.md §4.3). */
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
  return issueAccess(deps, stored.userName, stored.kind === 'personal' ? stored.tokenName : undefined);
}

export async function closeSession(deps: SessionDeps, secret: string): Promise<void> {
  await deps.store.tokens.deleteByHash(hashSecret(secret));
}
