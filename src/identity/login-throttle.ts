// Brute-force protection for password checks: failures per user and per source lock them out, doubling each time.
import { userError } from '../core/index.js';
import type { OsmoError } from '../core/index.js';

export interface ThrottlePolicy {
  /** Failures allowed before the first lockout. */
  readonly freeFailures: number;
  readonly firstLockSeconds: number;
  readonly maxLockSeconds: number;
  /** Failures older than this are forgotten. */
  readonly windowSeconds: number;
}

/** Per user: 5 tries, then 30 s, 60 s, ... up to 15 min. Per source (many users from one address): 20 tries. */
export const USER_POLICY: ThrottlePolicy = {
  freeFailures: 5,
  firstLockSeconds: 30,
  maxLockSeconds: 900,
  windowSeconds: 3600,
};
export const SOURCE_POLICY: ThrottlePolicy = { ...USER_POLICY, freeFailures: 20 };

interface Entry {
  failures: number;
  lastFailureMs: number;
  lockedUntilMs: number;
}

/** How long a key is locked after `failures` failures (0 while under the free allowance). */
export function lockSeconds(policy: ThrottlePolicy, failures: number): number {
  if (failures < policy.freeFailures) return 0;
  return Math.min(policy.maxLockSeconds, policy.firstLockSeconds * 2 ** (failures - policy.freeFailures));
}

/** In-memory counters, one instance per service; a restart forgets them (documented). */
export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => Date,
    private readonly userPolicy: ThrottlePolicy = USER_POLICY,
    private readonly sourcePolicy: ThrottlePolicy = SOURCE_POLICY,
  ) {}

  /** Throws 429 when the user or the source is locked; call before checking the password. */
  check(user: string, source: string): void {
    const nowMs = this.now().getTime();
    for (const key of [`user:${user}`, `source:${source}`]) {
      const entry = this.entries.get(key);
      if (entry && entry.lockedUntilMs > nowMs)
        throw lockedError(Math.ceil((entry.lockedUntilMs - nowMs) / 1000));
    }
  }

  recordFailure(user: string, source: string): void {
    this.bump(`user:${user}`, this.userPolicy);
    this.bump(`source:${source}`, this.sourcePolicy);
  }

  /** A success clears the user's count; the source keeps its count so spraying many users still trips it. */
  recordSuccess(user: string): void {
    this.entries.delete(`user:${user}`);
  }

  private bump(key: string, policy: ThrottlePolicy): void {
    const nowMs = this.now().getTime();
    const previous = this.entries.get(key);
    const stale = previous === undefined || nowMs - previous.lastFailureMs > policy.windowSeconds * 1000;
    const failures = stale ? 1 : previous.failures + 1;
    const lock = lockSeconds(policy, failures);
    this.entries.set(key, { failures, lastFailureMs: nowMs, lockedUntilMs: nowMs + lock * 1000 });
    if (this.entries.size > 100_000) this.forgetStale(nowMs);
  }

  private forgetStale(nowMs: number): void {
    for (const [key, entry] of this.entries) {
      if (nowMs - entry.lastFailureMs > this.userPolicy.windowSeconds * 1000) this.entries.delete(key);
    }
  }
}

function lockedError(seconds: number): OsmoError {
  return userError(`Too many failed login attempts. Try again in ${seconds} seconds.`, 429);
}
