// OSMO-issued access tokens: RS256 JWTs signed and verified by the service itself.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  sign,
  verify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export const JWT_ISSUER = 'osmo';
export const JWT_AUDIENCE = 'osmo';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export interface AccessClaims {
  readonly iss: string;
  readonly aud: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly unique_name: string;
  readonly roles: readonly string[];
  readonly osmo_token_name?: string;
  /** The login session the token was issued for; with `osmo_token_name`, what is checked on every request. */
  readonly osmo_session?: string;
  /** The attempt grant a task's `osmo` CLI was issued: checked on every request, gone when the attempt ends. */
  readonly osmo_task?: string;
}

export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid: randomUUID(), privateKey, publicKey };
}

/** Serialises a key as `{kid, pem}` for the key file. */
export function exportSigningKey(key: SigningKey): { kid: string; pem: string } {
  return { kid: key.kid, pem: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

export function importSigningKey(stored: { kid: string; pem: string }): SigningKey {
  const privateKey = createPrivateKey(stored.pem);
  return { kid: stored.kid, privateKey, publicKey: createPublicKey(privateKey) };
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export function signAccessToken(
  key: SigningKey,
  subject: { user: string; roles: readonly string[]; tokenName?: string; session?: string; task?: string },
  nowSeconds: number,
  ttlSeconds: number,
): string {
  const claims: AccessClaims = {
    iss: JWT_ISSUER,
    aud: JWT_AUDIENCE,
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + ttlSeconds,
    unique_name: subject.user,
    roles: subject.roles,
    ...(subject.tokenName === undefined ? {} : { osmo_token_name: subject.tokenName }),
    ...(subject.session === undefined ? {} : { osmo_session: subject.session }),
    ...(subject.task === undefined ? {} : { osmo_task: subject.task }),
  };
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid }));
  const body = b64url(JSON.stringify(claims));
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${body}`), key.privateKey);
  return `${header}.${body}.${b64url(signature)}`;
}

export type JwtFailure = 'malformed' | 'signature' | 'expired' | 'not-yet-valid' | 'claims';

/** Verifies signature, issuer, audience and lifetime; returns the claims or why it failed. */
export function verifyAccessToken(
  key: SigningKey,
  token: string,
  nowSeconds: number,
): { ok: true; claims: AccessClaims } | { ok: false; reason: JwtFailure } {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [header, body, signature] = parts as [string, string, string];
  let parsedHeader: unknown;
  let claims: unknown;
  try {
    parsedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  // Only RS256 with our own key: refusing every other alg closes the alg-confusion family of attacks.
  if (!isRecord(parsedHeader) || parsedHeader.alg !== 'RS256' || parsedHeader.kid !== key.kid) {
    return { ok: false, reason: 'signature' };
  }
  const valid = verify(
    'RSA-SHA256',
    Buffer.from(`${header}.${body}`),
    key.publicKey,
    Buffer.from(signature, 'base64url'),
  );
  if (!valid) return { ok: false, reason: 'signature' };
  if (!isAccessClaims(claims) || claims.iss !== JWT_ISSUER || claims.aud !== JWT_AUDIENCE) {
    return { ok: false, reason: 'claims' };
  }
  if (claims.exp <= nowSeconds) return { ok: false, reason: 'expired' };
  if (claims.nbf > nowSeconds + 5) return { ok: false, reason: 'not-yet-valid' };
  return { ok: true, claims };
}

/** How many verified tokens a service remembers: far more than its callers hold at once. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

export type TokenVerifier = (token: string, nowSeconds: number) => ReturnType<typeof verifyAccessToken>;

/**
 * `verifyAccessToken` for one key that checks each token's RS256 signature once: a token that passed is
 * remembered by its exact text until it expires (least recently used out past `maxEntries`). Only the
 * signature and claims check is skipped; whether the token's grant still exists is the caller's to check
 * on every request. A token that once passed stays past its not-before time, as time only moves on.
 */
export function cachedTokenVerifier(key: SigningKey, maxEntries = VERIFIED_TOKEN_CACHE_SIZE): TokenVerifier {
  const verified = new Map<string, AccessClaims>();
  return (token, nowSeconds) => {
    const claims = verified.get(token);
    if (claims !== undefined) {
      verified.delete(token);
      if (claims.exp <= nowSeconds) return { ok: false, reason: 'expired' };
      verified.set(token, claims);
      return { ok: true, claims };
    }
    const result = verifyAccessToken(key, token, nowSeconds);
    if (result.ok) {
      if (verified.size >= maxEntries) verified.delete(verified.keys().next().value ?? '');
      verified.set(token, result.claims);
    }
    return result;
  };
}

/** The public half of the key as a JWKS document (`GET /api/auth/keys`). */
export function jwks(key: SigningKey): { keys: Record<string, unknown>[] } {
  return { keys: [{ ...key.publicKey.export({ format: 'jwk' }), kid: key.kid, alg: 'RS256', use: 'sig' }] };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function isAccessClaims(v: unknown): v is AccessClaims {
  return (
    isRecord(v) &&
    typeof v.iss === 'string' &&
    typeof v.aud === 'string' &&
    typeof v.exp === 'number' &&
    typeof v.nbf === 'number' &&
    typeof v.iat === 'number' &&
    typeof v.unique_name === 'string' &&
    Array.isArray(v.roles) &&
    v.roles.every((r) => typeof r === 'string') &&
    (v.osmo_token_name === undefined || typeof v.osmo_token_name === 'string') &&
    (v.osmo_session === undefined || typeof v.osmo_session === 'string') &&
    (v.osmo_task === undefined || typeof v.osmo_task === 'string')
  );
}
