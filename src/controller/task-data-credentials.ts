// The user's DATA credentials for `osmo data` inside a task, in the form the CLI's config.yaml keeps.
import type { TaskCliDataCredential } from '../core/index.js';
import type { ResolvedCredential } from '../identity/index.js';
import type { CredentialResolver } from './task-credentials.js';

// Shorter values are too common to mask without garbling ordinary log text (as credential projection).
const MIN_MASKED_LENGTH = 8;

const ADDRESSING_STYLES = ['virtual', 'path', 'auto'] as const;

function entryOf(credential: ResolvedCredential): TaskCliDataCredential | null {
  const { payload } = credential;
  const endpoint = (credential.profile ?? payload['endpoint'] ?? '').replace(/\/+$/, '');
  const accessKeyId = payload['access_key_id'];
  const accessKey = payload['access_key'];
  if (endpoint === '' || accessKeyId === undefined || accessKey === undefined) return null;
  const style = ADDRESSING_STYLES.find((s) => s === payload['addressing_style']) ?? null;
  return {
    endpoint,
    accessKeyId,
    accessKey,
    region: payload['region'] ?? null,
    overrideUrl: payload['override_url'] ?? null,
    addressingStyle: style,
  };
}

/** Every DATA credential of `user`, decrypted, and the values a task's log must not show. */
export async function taskDataCredentials(
  resolver: CredentialResolver | undefined,
  user: string,
): Promise<{ credentials: TaskCliDataCredential[]; secrets: string[] }> {
  if (resolver === undefined) return { credentials: [], secrets: [] };
  const credentials = (await resolver.resolveAll(user, 'DATA')).flatMap((c) => entryOf(c) ?? []);
  const secrets = credentials
    .flatMap((c) => [c.accessKeyId, c.accessKey])
    .filter((value) => value.length >= MIN_MASKED_LENGTH);
  return { credentials, secrets: [...new Set(secrets)] };
}
