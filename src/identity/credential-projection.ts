// Projects a task's `credentials:` into env vars or 0600 files, and lists what to mask.
import { posix } from 'node:path';
import { userError } from '../core/index.js';
import type { CredentialVault } from './credential-vault.js';

export type CredentialUse = string | Readonly<Record<string, string>>;

export interface CredentialProjection {
  readonly environment: Readonly<Record<string, string>>;
  readonly files: readonly { readonly path: string; readonly contents: string; readonly mode: number }[];
  /** Every value projected: the runtime masks them in logs (values under 8 characters are too common). */
  readonly secrets: readonly string[];
}

const MIN_MASKED_LENGTH = 8;

/** Resolves and projects; throws the reference's submission errors for a missing credential or key. */
export async function projectCredentials(
  vault: Pick<CredentialVault, 'resolve'>,
  user: string,
  uses: Readonly<Record<string, CredentialUse>>,
): Promise<CredentialProjection> {
  const environment: Record<string, string> = {};
  const files: { path: string; contents: string; mode: number }[] = [];
  const secrets: string[] = [];
  for (const [name, use] of Object.entries(uses)) {
    const credential = await vault.resolve(user, name);
    if (credential === null) throw userError(`Could not find the credential: ${name}.`);
    const keys = Object.keys(credential.payload);
    if (typeof use === 'string') {
      for (const [key, value] of Object.entries(credential.payload)) {
        files.push({ path: posix.join(use, key), contents: value, mode: 0o600 });
        secrets.push(value);
      }
      continue;
    }
    for (const [envName, key] of Object.entries(use)) {
      const value = credential.payload[key];
      if (value === undefined) {
        throw userError(`${key} is not a valid credential key please choose from ${JSON.stringify(keys)}`);
      }
      environment[envName] = value;
      secrets.push(value);
    }
  }
  return { environment, files, secrets: secrets.filter((s) => s.length >= MIN_MASKED_LENGTH) };
}
