// One-time keys of the action path: a REST call issues one per target task, the router WebSocket
// takes it back exactly once, before it expires. Held in this process's memory: the service is its
// own router, so the key never leaves it except to the caller who asked for it.
import { randomBytes } from 'node:crypto';
import type { AttemptRef } from '../../core/index.js';

export const ACTION_KINDS = ['EXEC', 'PORTFORWARD', 'WEBSERVER', 'RSYNC'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** How long an issued key waits for its WebSocket (a client connects right after asking). */
export const DEFAULT_KEY_TTL_MS = 5 * 60_000;
/** Outstanding keys at most, so that a flood of requests cannot grow the service's memory. */
const MAX_OUTSTANDING = 10_000;

export interface ActionGrant<P = unknown> {
  readonly kind: ActionKind;
  readonly key: string;
  /** Who asked: only the same user may take the key. */
  readonly user: string;
  readonly ref: AttemptRef;
  /** What the action needs (the entry command, the task port...). */
  readonly payload: P;
  readonly expiresAtMs: number;
}

export class ActionKeys {
  private readonly grants = new Map<string, ActionGrant>();

  constructor(
    private readonly nowMs: () => number = Date.now,
    private readonly ttlMs: number = DEFAULT_KEY_TTL_MS,
  ) {}

  /** A fresh `<KIND>-<32 hex>` key for one target. */
  issue<P>(kind: ActionKind, user: string, ref: AttemptRef, payload: P): ActionGrant<P> {
    this.sweep();
    if (this.grants.size >= MAX_OUTSTANDING) {
      // The oldest unused key goes first: Map iteration follows insertion order.
      const oldest = this.grants.keys().next().value;
      if (oldest !== undefined) this.grants.delete(oldest);
    }
    const grant: ActionGrant<P> = {
      kind,
      key: `${kind}-${randomBytes(16).toString('hex')}`,
      user,
      ref,
      payload,
      expiresAtMs: this.nowMs() + this.ttlMs,
    };
    this.grants.set(grant.key, grant);
    return grant;
  }

  /**
   * Registers a key the client minted itself (each port-forward connection's key, which the CLI
   * names on its control socket); false when it is not a fresh `<KIND>-<32 hex>` key of that kind.
   */
  adopt<P>(
    kind: ActionKind,
    key: string,
    user: string,
    ref: AttemptRef,
    payload: P,
    ttlMs = this.ttlMs,
  ): boolean {
    this.sweep();
    if (!new RegExp(`^${kind}-[0-9a-f]{32}$`).test(key) || this.grants.has(key)) return false;
    if (this.grants.size >= MAX_OUTSTANDING) return false;
    this.grants.set(key, { kind, key, user, ref, payload, expiresAtMs: this.nowMs() + ttlMs });
    return true;
  }

  /**
   * The grant of a key, removed so it can never be used again; null when unknown, used or expired.
   * Another user's key, or one named with another workflow, is refused and left for its owner.
   */
  take(key: string, user: string, workflowId: string): ActionGrant | null {
    const grant = this.grants.get(key);
    if (grant === undefined || grant.user !== user || grant.ref.workflowId !== workflowId) return null;
    this.grants.delete(key);
    return grant.expiresAtMs > this.nowMs() ? grant : null;
  }

  get outstanding(): number {
    this.sweep();
    return this.grants.size;
  }

  private sweep(): void {
    const now = this.nowMs();
    for (const [key, grant] of this.grants) if (grant.expiresAtMs <= now) this.grants.delete(key);
  }
}
