// Fenced writes: every write of a store opened with a fence runs in a transaction that first checks,
// under a share lock on the lease row, that the lease it was opened for is still held. A service that
// lost the lease (paused, partitioned) then writes nothing, and the new holder's takeover (an update
// of that row) waits for writes already past their check: the two never interleave.
import { CompiledQuery } from 'kysely';
import type { DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from 'kysely';
import { writtenTable } from './write-generations.js';
import { WrappingDriver, wrapDriver } from './wrapping-driver.js';

/** The lease a fenced store's writes must still hold: null once it is known lost. */
export type Fence = () => { readonly name: string; readonly holder: string; readonly term: number } | null;

export class FencedOutError extends Error {
  constructor() {
    super('This service no longer holds the engine lease: another replica drives the engine now.');
    this.name = 'FencedOutError';
  }
}

/**
 * A transaction of a stopped holder must not keep the lease row locked for good: one idle this long is
 * ended by the server, so a takeover waits at most this long for it.
 */
const IDLE_IN_TRANSACTION_MS = 4000;

export const fencedDialect = (dialect: Dialect, fence: Fence): Dialect =>
  wrapDriver(dialect, (inner) => new FencingDriver(inner, fence));

class FencingDriver extends WrappingDriver {
  private readonly inTransaction = new WeakSet<DatabaseConnection>();

  constructor(
    inner: Driver,
    private readonly fence: Fence,
  ) {
    super(inner);
  }

  protected run<R>(
    raw: DatabaseConnection,
    _outer: DatabaseConnection,
    query: CompiledQuery,
  ): Promise<QueryResult<R>> {
    return this.inTransaction.has(raw) || writtenTable(query.sql) === undefined
      ? raw.executeQuery<R>(query)
      : this.alone(raw, query);
  }

  /** A write outside any transaction gets one of its own, with the check first. */
  private async alone<R>(connection: DatabaseConnection, query: CompiledQuery): Promise<QueryResult<R>> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
    try {
      await this.check(connection);
      const result = await connection.executeQuery<R>(query);
      await connection.executeQuery(CompiledQuery.raw('commit'));
      return result;
    } catch (err) {
      await connection.executeQuery(CompiledQuery.raw('rollback')).catch(() => undefined);
      throw err;
    }
  }

  private async check(connection: DatabaseConnection): Promise<void> {
    const held = this.fence();
    if (held === null) throw new FencedOutError();
    const result = await connection.executeQuery(
      CompiledQuery.raw(
        `SELECT set_config('idle_in_transaction_session_timeout', $1, true) FROM service_lease
         WHERE name = $2 AND holder = $3 AND term = $4 FOR SHARE`,
        [String(IDLE_IN_TRANSACTION_MS), held.name, held.holder, held.term],
      ),
    );
    if (result.rows.length !== 1) throw new FencedOutError();
  }

  override async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    await super.beginTransaction(connection, settings);
    const raw = this.unwrap(connection);
    try {
      await this.check(raw);
    } catch (err) {
      await super.rollbackTransaction(connection).catch(() => undefined);
      throw err;
    }
    this.inTransaction.add(raw);
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    this.inTransaction.delete(this.unwrap(connection));
    await super.commitTransaction(connection);
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    this.inTransaction.delete(this.unwrap(connection));
    await super.rollbackTransaction(connection);
  }
}
