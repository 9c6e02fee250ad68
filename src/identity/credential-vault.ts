// Stores, lists and resolves credentials, encrypting every payload value with the owner's wrapped data key.
import { userError } from '../core/index.js';
import type { CredentialType, Store, StoredCredential } from '../store/index.js';
import type { NormalisedCredential } from './credential-payload.js';
import type { MasterKey } from './envelope.js';
import { newDataKey, open, seal, unwrapDataKey, wrapDataKey } from './envelope.js';

export interface CredentialSummary {
  readonly cred_name: string;
  readonly cred_type: CredentialType;
  readonly profile: string | null;
}

/** A credential with its payload decrypted: for launching tasks and pulling images, never for responses. */
export interface ResolvedCredential {
  readonly name: string;
  readonly type: CredentialType;
  readonly profile: string | null;
  readonly payload: Readonly<Record<string, string>>;
}

export interface CredentialVault {
  set(user: string, name: string, credential: NormalisedCredential): Promise<void>;
  list(user: string): Promise<CredentialSummary[]>;
  delete(user: string, name: string): Promise<CredentialSummary>;
  /** The user's credential by name, decrypted; null when missing. */
  resolve(user: string, name: string): Promise<ResolvedCredential | null>;
  /** The user's REGISTRY credential for a registry host, or DATA credential for a storage endpoint. */
  resolveByProfile(user: string, type: CredentialType, profile: string): Promise<ResolvedCredential | null>;
  /** Every credential of the user of one type, decrypted, in name order. */
  resolveAll(user: string, type: CredentialType): Promise<ResolvedCredential[]>;
  /** Seals one of the user's settings that may carry a secret (a webhook URL with a token in it). */
  sealSetting(user: string, setting: string, value: string): Promise<string>;
  /** Opens what `sealSetting` sealed; null when the user's key is gone. */
  openSetting(user: string, setting: string, sealed: string): Promise<string | null>;
}

const TYPE_ORDER: Record<CredentialType, number> = { DATA: 0, REGISTRY: 1, GENERIC: 2 };

const summaryOf = (c: StoredCredential): CredentialSummary => ({
  cred_name: c.credName,
  cred_type: c.credType,
  profile: c.profile,
});

const aadOf = (user: string, key: string): string => `cred:${user}:${key}`;
// Its own prefix: a sealed setting can never be passed off as a credential value, nor the reverse.
const settingAadOf = (user: string, setting: string): string => `setting:${user}:${setting}`;

export function createCredentialVault(store: Store, master: MasterKey, now: () => Date): CredentialVault {
  async function dataKey(user: string, create: boolean): Promise<Buffer | null> {
    let wrapped = await store.credentials.getWrappedKey(user);
    if (wrapped === null) {
      if (!create) return null;
      wrapped = await store.credentials.putWrappedKeyOnce(
        user,
        wrapDataKey(master, newDataKey(), user),
        now(),
      );
    }
    return unwrapDataKey(master, wrapped, user);
  }

  async function decrypt(c: StoredCredential): Promise<ResolvedCredential> {
    const key = await dataKey(c.userName, false);
    if (key === null) throw userError(`Credential ${c.credName} cannot be read: its key is gone.`);
    const payload: Record<string, string> = {};
    for (const [k, sealed] of Object.entries(c.payload)) {
      payload[k] = open(key, master.kid, sealed, aadOf(c.userName, k)).toString('utf8');
    }
    return { name: c.credName, type: c.credType, profile: c.profile, payload };
  }

  return {
    async set(user, name, credential) {
      await store.users.upsert(user, user, now());
      const key = await dataKey(user, true);
      if (key === null) throw new Error('a data key was just created');
      const sealed: Record<string, string> = {};
      for (const [k, v] of Object.entries(credential.payload)) {
        sealed[k] = seal(key, master.kid, Buffer.from(v, 'utf8'), aadOf(user, k));
      }
      await store.transaction(async (tx) => {
        const existing = await tx.credentials.list(user);
        const sameName = existing.find((c) => c.credName === name);
        const sameProfile =
          credential.profile === null
            ? undefined
            : existing.find((c) => c.credType === credential.type && c.profile === credential.profile);
        if (sameName !== undefined && sameName !== sameProfile) {
          throw userError(`Credential ${name} already exists.`);
        }
        // A credential for a profile the user already has replaces that record, taking the new name.
        if (sameProfile !== undefined) await tx.credentials.delete(user, sameProfile.credName);
        await tx.credentials.put({
          userName: user,
          credName: name,
          credType: credential.type,
          profile: credential.profile,
          payload: sealed,
          createdAt: now(),
        });
      });
    },
    async list(user) {
      const rows = await store.credentials.list(user);
      return rows
        .map(summaryOf)
        .sort(
          (a, b) =>
            TYPE_ORDER[a.cred_type] - TYPE_ORDER[b.cred_type] || a.cred_name.localeCompare(b.cred_name),
        );
    },
    async delete(user, name) {
      const row = await store.credentials.get(user, name);
      if (row === null) throw userError(`Credential ${name} does not exits`);
      await store.credentials.delete(user, name);
      return summaryOf(row);
    },
    async resolve(user, name) {
      const row = await store.credentials.get(user, name);
      return row === null ? null : decrypt(row);
    },
    async sealSetting(user, setting, value) {
      await store.users.upsert(user, user, now());
      const key = await dataKey(user, true);
      if (key === null) throw new Error('a data key was just created');
      return seal(key, master.kid, Buffer.from(value, 'utf8'), settingAadOf(user, setting));
    },
    async openSetting(user, setting, sealed) {
      const key = await dataKey(user, false);
      return key === null
        ? null
        : open(key, master.kid, sealed, settingAadOf(user, setting)).toString('utf8');
    },
    async resolveAll(user, type) {
      const rows = (await store.credentials.list(user)).filter((c) => c.credType === type);
      rows.sort((a, b) => a.credName.localeCompare(b.credName));
      return Promise.all(rows.map(decrypt));
    },
    async resolveByProfile(user, type, profile) {
      const row = (await store.credentials.list(user)).find(
        (c) => c.credType === type && c.profile === profile,
      );
      return row === undefined ? null : decrypt(row);
    },
  };
}
