// Fenced writes: every write of a store opened with a fence runs in a transaction that first checks,
// under a share lock on the lease row, that the lease it was opened for is still held. A service that
// lost the lease (paused, partitioned) then writes nothing, and the new holder's takeover (an update
// of that row) waits for writes already past their check: the two never interleave.
import { CompiledQuery } from 'kysely';
import type {
  DatabaseConnection,
  Dialect,
  Driver,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import { writtenTable } from './write-generations.js';

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

export function fencedDialect(dialect: Dialect, fence: Fence): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => new FencingDriver(dialect.createDriver(), fence),
  };
}

class FencingDriver implements Driver {
  private readonly inTransaction = new WeakSet<DatabaseConnection>();
  private readonly wrapped = new WeakMap<DatabaseConnection, DatabaseConnection>();
  private readonly originals = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(
    private readonly inner: Driver,
    private readonly fence: Fence,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    let outer = this.wrapped.get(connection);
    if (outer === undefined) {
      outer = {
        executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> =>
          this.inTransaction.has(connection) || writtenTable(query.sql) === undefined
            ? connection.executeQuery<R>(query)
            : this.alone(connection, query),
        streamQuery: <R>(query: CompiledQuery, chunkSize?: number) =>
          connection.streamQuery<R>(query, chunkSize),
      };
      this.wrapped.set(connection, outer);
      this.originals.set(outer, connection);
    }
    return outer;
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

  private unwrap(connection: DatabaseConnection): DatabaseConnection {
    return this.originals.get(connection) ?? connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const raw = this.unwrap(connection);
    await this.inner.beginTransaction(raw, settings);
    try {
      await this.check(raw);
    } catch (err) {
      await this.inner.rollbackTransaction(raw).catch(() => undefined);
      throw err;
    }
    this.inTransaction.add(raw);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const raw = this.unwrap(connection);
    this.inTransaction.delete(raw);
    await this.inner.commitTransaction(raw);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const raw = this.unwrap(connection);
    this.inTransaction.delete(raw);
    await this.inner.rollbackTransaction(raw);
  }

  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    return this.savepoints().savepoint(this.unwrap(connection), name, compile);
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    return this.savepoints().rollbackToSavepoint(this.unwrap(connection), name, compile);
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    return this.savepoints().releaseSavepoint(this.unwrap(connection), name, compile);
  }

  private savepoints(): Required<Pick<Driver, 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint'>> {
    const { savepoint, rollbackToSavepoint, releaseSavepoint } = this.inner;
    if (!savepoint || !rollbackToSavepoint || !releaseSavepoint)
      throw new Error('the store driver has no savepoints');
    return {
      savepoint: savepoint.bind(this.inner),
      rollbackToSavepoint: rollbackToSavepoint.bind(this.inner),
      releaseSavepoint: releaseSavepoint.bind(this.inner),
    };
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(this.unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
