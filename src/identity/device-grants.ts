// Pending OAuth 2.0 device authorizations (RFC 8628): codes handed to the CLI, approved on the service's page.
import { randomBytes, randomInt } from 'node:crypto';

/** No vowels or look-alikes: codes cannot spell words and survive being read aloud, as RFC 8628 advises. */
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const DEVICE_CODE_TTL_SECONDS = 600;
export const DEVICE_POLL_INTERVAL_SECONDS = 2;
const MAX_PENDING = 10_000;

export type DevicePoll =
  | { readonly kind: 'pending' }
  | { readonly kind: 'slow_down' }
  | { readonly kind: 'expired' }
  | { readonly kind: 'denied' }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'approved'; readonly user: string };

interface Grant {
  readonly deviceCode: string;
  readonly userCode: string;
  readonly clientId: string;
  readonly expiresAtMs: number;
  lastPollMs: number;
  decision: { readonly approved: true; readonly user: string } | { readonly approved: false } | null;
}

const newUserCode = (): string =>
  Array.from({ length: 8 }, () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)]).join('');

/** Normalises what a person typed: case, spaces and the dash do not matter. */
export const normaliseUserCode = (typed: string): string => typed.toUpperCase().replace(/[^A-Z]/g, '');

export const formatUserCode = (code: string): string => `${code.slice(0, 4)}-${code.slice(4)}`;

/** In memory, one instance per service: a pending login does not survive a restart (it lasts minutes). */
export class DeviceGrants {
  private readonly byDeviceCode = new Map<string, Grant>();
  private readonly byUserCode = new Map<string, Grant>();

  constructor(private readonly now: () => Date) {}

  start(clientId: string): { deviceCode: string; userCode: string; expiresIn: number; interval: number } {
    this.forgetExpired();
    if (this.byDeviceCode.size >= MAX_PENDING) throw new Error('too many pending device logins');
    let userCode = newUserCode();
    while (this.byUserCode.has(userCode)) userCode = newUserCode();
    const grant: Grant = {
      deviceCode: randomBytes(32).toString('base64url'),
      userCode,
      clientId,
      expiresAtMs: this.now().getTime() + DEVICE_CODE_TTL_SECONDS * 1000,
      lastPollMs: 0,
      decision: null,
    };
    this.byDeviceCode.set(grant.deviceCode, grant);
    this.byUserCode.set(userCode, grant);
    return {
      deviceCode: grant.deviceCode,
      userCode: formatUserCode(userCode),
      expiresIn: DEVICE_CODE_TTL_SECONDS,
      interval: DEVICE_POLL_INTERVAL_SECONDS,
    };
  }

  /** Whether a typed user code names a pending, unexpired grant. */
  isPending(typedUserCode: string): boolean {
    const grant = this.byUserCode.get(normaliseUserCode(typedUserCode));
    return grant !== undefined && grant.decision === null && grant.expiresAtMs > this.now().getTime();
  }

  /** Records the person's decision; false when the code is unknown, expired or already decided. */
  decide(typedUserCode: string, decision: { approved: true; user: string } | { approved: false }): boolean {
    if (!this.isPending(typedUserCode)) return false;
    const grant = this.byUserCode.get(normaliseUserCode(typedUserCode));
    if (grant === undefined) return false;
    grant.decision = decision;
    return true;
  }

  /** The CLI's poll; an approved or denied grant is answered once, then forgotten. */
  poll(deviceCode: string, clientId: string): DevicePoll {
    const grant = this.byDeviceCode.get(deviceCode);
    if (grant === undefined || grant.clientId !== clientId) return { kind: 'invalid' };
    const nowMs = this.now().getTime();
    if (grant.expiresAtMs <= nowMs) {
      this.forget(grant);
      return { kind: 'expired' };
    }
    if (grant.decision !== null) {
      this.forget(grant);
      return grant.decision.approved ? { kind: 'approved', user: grant.decision.user } : { kind: 'denied' };
    }
    const tooSoon = nowMs - grant.lastPollMs < (DEVICE_POLL_INTERVAL_SECONDS * 1000) / 2;
    grant.lastPollMs = nowMs;
    return tooSoon ? { kind: 'slow_down' } : { kind: 'pending' };
  }

  private forget(grant: Grant): void {
    this.byDeviceCode.delete(grant.deviceCode);
    this.byUserCode.delete(grant.userCode);
  }

  private forgetExpired(): void {
    const nowMs = this.now().getTime();
    for (const grant of this.byDeviceCode.values()) if (grant.expiresAtMs <= nowMs) this.forget(grant);
  }
}
