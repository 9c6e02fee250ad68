// Pending OAuth authorization codes: single-use, short-lived, bound to client, redirect URI and PKCE challenge.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const AUTHORIZATION_CODE_TTL_SECONDS = 60;
const MAX_PENDING = 10_000;

/** RFC 7636: 43 to 128 characters of the unreserved set; the same shape for an S256 challenge. */
export const PKCE_VALUE = /^[A-Za-z0-9._~-]{43,128}$/;

export interface CodeBinding {
  readonly clientId: string;
  readonly redirectUri: string;
  /** The S256 challenge: base64url of the SHA-256 of the verifier. */
  readonly codeChallenge: string;
  readonly user: string;
  /** The resource indicator (RFC 8707) the code was asked for, if any. */
  readonly resource: string | null;
}

export interface CodeRedemption {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeVerifier: string;
  readonly resource: string | null;
}

export type CodeOutcome =
  | { readonly kind: 'ok'; readonly user: string; readonly resource: string | null }
  | { readonly kind: 'invalid'; readonly reason: string }
  /** A code presented again: whatever it was exchanged for should be revoked (RFC 6749). */
  | { readonly kind: 'reused'; readonly grantName: string | null };

interface Entry {
  readonly binding: CodeBinding;
  readonly expiresAtMs: number;
  used: boolean;
  grantName: string | null;
}

const hashCode = (code: string): string => createHash('sha256').update(code).digest('hex');

export const s256Challenge = (verifier: string): string =>
  createHash('sha256').update(verifier).digest('base64url');

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** In memory, one instance per service, as the device logins: a code lives a minute and is used at once. */
export class AuthorizationCodes {
  // Keyed by the code's hash, so the table never holds a usable code.
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => Date) {}

  issue(binding: CodeBinding): string {
    this.forgetExpired();
    if (this.entries.size >= MAX_PENDING) throw new Error('too many pending authorization codes');
    const code = randomBytes(32).toString('base64url');
    this.entries.set(hashCode(code), {
      binding,
      expiresAtMs: this.now().getTime() + AUTHORIZATION_CODE_TTL_SECONDS * 1000,
      used: false,
      grantName: null,
    });
    return code;
  }

  /** Checks a code once: any attempt uses it up, so a wrong verifier cannot be retried on the same code. */
  redeem(code: string, presented: CodeRedemption): CodeOutcome {
    const entry = this.entries.get(hashCode(code));
    if (entry === undefined || entry.expiresAtMs <= this.now().getTime()) {
      return { kind: 'invalid', reason: 'the authorization code is unknown or expired' };
    }
    if (entry.used) return { kind: 'reused', grantName: entry.grantName };
    entry.used = true;
    const { binding } = entry;
    if (binding.clientId !== presented.clientId) {
      return { kind: 'invalid', reason: 'the authorization code was issued to another client' };
    }
    if (binding.redirectUri !== presented.redirectUri) {
      return { kind: 'invalid', reason: 'redirect_uri differs from the one the code was issued for' };
    }
    if (!PKCE_VALUE.test(presented.codeVerifier)) {
      return { kind: 'invalid', reason: 'code_verifier must be 43 to 128 unreserved characters' };
    }
    if (!sameText(s256Challenge(presented.codeVerifier), binding.codeChallenge)) {
      return { kind: 'invalid', reason: 'code_verifier does not match the code challenge' };
    }
    if (presented.resource !== null && presented.resource !== binding.resource) {
      return { kind: 'invalid', reason: 'resource differs from the one the code was issued for' };
    }
    return { kind: 'ok', user: binding.user, resource: binding.resource };
  }

  /** Remembers what a redeemed code was exchanged for, so presenting it again revokes that grant. */
  recordGrant(code: string, grantName: string): void {
    const entry = this.entries.get(hashCode(code));
    if (entry !== undefined) entry.grantName = grantName;
  }

  private forgetExpired(): void {
    const nowMs = this.now().getTime();
    for (const [key, entry] of this.entries) if (entry.expiresAtMs <= nowMs) this.entries.delete(key);
  }
}
