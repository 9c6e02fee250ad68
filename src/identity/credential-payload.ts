// Checks a credential request per type and turns it into profile + payload.
import { credentialError, userError } from '../core/index.js';
import type { CredentialType } from '../store/index.js';

export const CREDENTIAL_NAME = /^[a-zA-Z]([a-zA-Z0-9_-]*[a-zA-Z0-9])?$/;
const DATA_KEYS = ['access_key_id', 'access_key', 'endpoint', 'region', 'override_url', 'addressing_style'];
const ADDRESSING_STYLES = ['virtual', 'path', 'auto'];
export const DEFAULT_REGISTRY = 'docker.io';

export type CredentialRequest =
  | { readonly registry_credential: Readonly<Record<string, unknown>> }
  | { readonly data_credential: Readonly<Record<string, unknown>> }
  | { readonly generic_credential: { readonly credential: Readonly<Record<string, unknown>> } };

export interface NormalisedCredential {
  readonly type: CredentialType;
  readonly profile: string | null;
  readonly payload: Readonly<Record<string, string>>;
}

export function checkCredentialName(name: string): void {
  if (!CREDENTIAL_NAME.test(name)) {
    throw userError(
      `Invalid name: ${name}. Names can only consist of letters, numbers, -, and _. The name must start with a letter.`,
    );
  }
}

/** Only string values survive; values are never echoed in errors, only keys. */
function strings(fields: Readonly<Record<string, unknown>>, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === null || value === undefined) continue;
    if (typeof value !== 'string') throw userError(`${what} value of ${key} must be a string.`);
    if (key === '' || value === '') throw userError('Please provide non-empty keys and values.');
    out[key] = value;
  }
  return out;
}

export function normaliseCredential(request: Readonly<Record<string, unknown>>): NormalisedCredential {
  const members = Object.entries(request).filter(([, v]) => v !== null && v !== undefined);
  const [member] = members;
  if (members.length !== 1 || member === undefined) {
    throw userError('Exactly one of registry_credential, data_credential or generic_credential must be set.');
  }
  const [kind, value] = member;
  if (typeof value !== 'object' || value === null) throw userError(`${kind} must be an object.`);
  const fields = value as Record<string, unknown>;
  if (kind === 'registry_credential') return registryCredential(strings(fields, 'REGISTRY'));
  if (kind === 'data_credential') return dataCredential(strings(fields, 'DATA'));
  if (kind === 'generic_credential') {
    const inner = fields['credential'];
    if (typeof inner !== 'object' || inner === null)
      throw userError('generic_credential.credential must be an object.');
    const payload = strings(inner as Record<string, unknown>, 'GENERIC');
    if (Object.keys(payload).length === 0) throw userError('Please provide non-empty keys and values.');
    return { type: 'GENERIC', profile: null, payload };
  }
  throw userError(`Unknown credential kind ${kind}.`);
}

function registryCredential(fields: Record<string, string>): NormalisedCredential {
  const unknown = Object.keys(fields).filter(
    (k) => !['registry', 'username', 'auth', 'password'].includes(k),
  );
  if (unknown.length > 0) throw userError(`Invalid REGISTRY credential: unknown keys ${unknown.join(', ')}.`);
  const auth = fields['auth'] ?? fields['password'];
  if (auth === undefined) throw userError('Invalid REGISTRY credential: auth is required.');
  const registry = fields['registry'] ?? DEFAULT_REGISTRY;
  // The seed's pitfalls: a URL instead of a host, and docker's base64 "user:password" pasted into auth=.
  if (/^[a-z]+:\/\//i.test(registry)) {
    throw credentialError(
      `Invalid REGISTRY credential: registry must be a host such as nvcr.io, not a URL (${registry}).`,
    );
  }
  if (!/^[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._/-]*)?$/.test(registry)) {
    throw credentialError(`Invalid REGISTRY credential: ${registry} is not a registry host.`);
  }
  if (looksLikeDockerAuth(auth)) {
    throw credentialError(
      'Invalid REGISTRY credential: auth looks like base64 of "user:password" (the docker config form). ' +
        'Give the raw password or API key in auth= and the user name in username=.',
    );
  }
  const payload: Record<string, string> = { auth };
  if (fields['username'] !== undefined) payload['username'] = fields['username'];
  return { type: 'REGISTRY', profile: registry.replace(/\/+$/, '').toLowerCase(), payload };
}

function looksLikeDockerAuth(auth: string): boolean {
  if (auth.length < 8 || !/^[A-Za-z0-9+/]+={0,2}$/.test(auth) || auth.length % 4 !== 0) return false;
  const decoded = Buffer.from(auth, 'base64').toString('utf8');
  return /^[\x20-\x7e]+:[\x20-\x7e]+$/.test(decoded);
}

function dataCredential(typed: Record<string, string>): NormalisedCredential {
  // The seed's skill writes the secret as `secret_key=`; the reference calls it `access_key`.
  const { secret_key: secretKey, ...fields } = typed;
  if (secretKey !== undefined && fields['access_key'] === undefined) fields['access_key'] = secretKey;
  const unknown = Object.keys(fields).filter((k) => !DATA_KEYS.includes(k));
  if (unknown.length > 0) throw userError(`Invalid DATA credential: unknown keys ${unknown.join(', ')}.`);
  for (const key of ['access_key_id', 'access_key', 'endpoint']) {
    if (fields[key] === undefined) throw userError(`Invalid DATA credential: ${key} is required.`);
  }
  const endpoint = (fields['endpoint'] ?? '').replace(/\/+$/, '');
  if (/^https?:\/\//i.test(endpoint)) {
    throw userError(
      `Invalid DATA credential: endpoint ${endpoint} is an HTTP URL; give the storage URI (s3://bucket) ` +
        'as endpoint and the HTTP address as override_url.',
    );
  }
  const style = fields['addressing_style'];
  if (style !== undefined && !ADDRESSING_STYLES.includes(style)) {
    throw userError(
      `Invalid DATA credential: addressing_style must be one of ${ADDRESSING_STYLES.join(', ')}.`,
    );
  }
  const { endpoint: _endpoint, ...payload } = fields;
  return { type: 'DATA', profile: endpoint, payload };
}
