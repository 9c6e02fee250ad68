// The engine's lease on a PostgreSQL store shared by several services: a row, not an advisory lock.
// An advisory lock lives and dies with one connection, which a pool does not pin and a network blip
// ends; a row with an expiry and a term outlives connections, is renewed by any of them, and its term
// is what every fenced engine write checks (fencing.ts), so a holder that lost it writes nothing.
// Expiry is the database's clock only: replicas on hosts whose clocks disagree still agree on it.
import { randomUUID } from 'node:crypto';
import { sql, type QueryExecutorProvider } from 'kysely';

export const ENGINE_LEASE = 'engine';
/** Renewed this often; lapses after TTL_MS unrenewed, so a killed holder is replaced within ~7 s. */
export const RENEW_MS = 2000;
export const TTL_MS = 6000;

export interface HeldLease {
  readonly name: string;
  readonly holder: string;
  readonly term: number;
}

export class EngineLease {
  readonly holder = randomUUID();
  private held: HeldLease | null = null;
  /** When the last renewal that succeeded was sent, on the monotonic clock. */
  private renewedAt = -Infinity;

  constructor(private readonly db: QueryExecutorProvider) {}

  /** The lease as this service holds it, null when it does not (or can no longer be sure it does). */
  current(): HeldLease | null {
    if (this.held === null) return null;
    // Unrenewed for a TTL, another replica may have taken it: no longer count on it.
    if (performance.now() - this.renewedAt >= TTL_MS) this.held = null;
    return this.held;
  }

  /** Takes the lease when nobody holds it or its holder let it lapse; answers whether this service now holds it. */
  async tryAcquire(): Promise<boolean> {
    const sentAt = performance.now();
    const ttl = `${TTL_MS} milliseconds`;
    const result = await sql<{ term: number }>`
      INSERT INTO service_lease (name, holder, term, expires_at)
      VALUES (${ENGINE_LEASE}, ${this.holder}, 1, now() + ${ttl}::interval)
      ON CONFLICT (name) DO UPDATE
        SET holder = excluded.holder, term = service_lease.term + 1, expires_at = excluded.expires_at
        WHERE service_lease.expires_at < now()
      RETURNING term`.execute(this.db);
    const row = result.rows[0];
    if (row === undefined) return false;
    this.held = { name: ENGINE_LEASE, holder: this.holder, term: Number(row.term) };
    this.renewedAt = sentAt;
    return true;
  }

  /** Extends the lease; answers false when it was taken over (or lapsed and was taken). */
  async renew(): Promise<boolean> {
    const held = this.current();
    if (held === null) return false;
    const sentAt = performance.now();
    const ttl = `${TTL_MS} milliseconds`;
    const result = await sql`
      UPDATE service_lease SET expires_at = now() + ${ttl}::interval
      WHERE name = ${held.name} AND holder = ${held.holder} AND term = ${held.term}`.execute(this.db);
    if (Number(result.numAffectedRows ?? 0) !== 1) {
      this.held = null;
      return false;
    }
    this.renewedAt = sentAt;
    return true;
  }

  /** Lets the lease go at once (a clean stop), so a follower need not wait for it to lapse. */
  async release(): Promise<void> {
    const held = this.held;
    this.held = null;
    if (held === null) return;
    await sql`
      UPDATE service_lease SET expires_at = now() - interval '1 second'
      WHERE name = ${held.name} AND holder = ${held.holder} AND term = ${held.term}`.execute(this.db);
  }
}
