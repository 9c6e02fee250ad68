// Identity at start-up: the master key, the first admin, and the identity services the API and engine share.
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashSecret } from '../api/auth/sessions.js';
import type { IdentityServices } from '../api/auth/identity-services.js';
import type { ServiceConfig } from '../config/service-config.js';
import {
  ADMIN_ROLE_NAME,
  AuthorizationCodes,
  createCredentialVault,
  DeviceGrants,
  hashPassword,
  LoginThrottle,
  masterKeyFrom,
  newMasterKeyBase64,
  USER_ROLE_NAME,
  verifyPassword,
} from '../identity/index.js';
import type { MasterKey } from '../identity/index.js';
import type { Store } from '../store/index.js';

const DEFAULT_ADMIN_TOKEN = 'default-admin-token';
const DEFAULT_ADMIN_TOKEN_DAYS = 3650;

/** The configured master key, else the one kept in the data dir (created 0600 on first start). */
export async function loadMasterKey(config: ServiceConfig): Promise<MasterKey> {
  if (config.masterKey !== null) return masterKeyFrom(config.masterKey);
  const file = join(config.dataDir, 'master-key');
  try {
    return masterKeyFrom((await readFile(file, 'utf8')).trim());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const created = newMasterKeyBase64();
    await writeFile(file, `${created}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(file, 0o600);
    return masterKeyFrom(created);
  }
}

/**
 * Creates the first admin (or resets its password) from config/env. A 43-character password is also
 * usable as an access token named default-admin-token, as upstream's OSMO_DEFAULT_ADMIN_PASSWORD is.
 */
export async function bootstrapAdmin(store: Store, config: ServiceConfig, now: Date): Promise<void> {
  const admin = config.defaultAdmin;
  if (admin === null) return;
  await store.users.upsert(admin.username, 'osmo', now);
  await store.users.addRoles(admin.username, [ADMIN_ROLE_NAME, USER_ROLE_NAME], 'osmo', now);
  const stored = await store.accounts.getPasswordHash(admin.username);
  if (stored === null || !(await verifyPassword(admin.password, stored))) {
    await store.accounts.setPasswordHash(admin.username, await hashPassword(admin.password), now);
  }
  if (admin.password.length !== 43) return;
  await store.tokens.deleteByName(admin.username, DEFAULT_ADMIN_TOKEN);
  await store.tokens.create({
    userName: admin.username,
    tokenName: DEFAULT_ADMIN_TOKEN,
    tokenHash: hashSecret(admin.password),
    expiresAt: new Date(now.getTime() + DEFAULT_ADMIN_TOKEN_DAYS * 86400_000),
    kind: 'personal',
    createdAt: now,
  });
  await store.accounts.setTokenRoles(
    admin.username,
    DEFAULT_ADMIN_TOKEN,
    [ADMIN_ROLE_NAME, USER_ROLE_NAME],
    'osmo',
    now,
  );
}

export function createIdentityServices(store: Store, master: MasterKey, now: () => Date): IdentityServices {
  return {
    throttle: new LoginThrottle(now),
    grants: new DeviceGrants(now),
    codes: new AuthorizationCodes(now),
    vault: createCredentialVault(store, master, now),
  };
}
