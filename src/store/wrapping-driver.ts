// A Kysely driver around another one, for the store's own layers over the database driver (counted
// writes, fenced writes): each hands out its own face of every connection, sees each query on it, and
// passes everything else through to the driver beneath.
import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';

/** `dialect` with its driver wrapped by `wrap`; adapter, introspector and compiler unchanged. */
export function wrapDriver(dialect: Dialect, wrap: (inner: Driver) => Driver): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => wrap(dialect.createDriver()),
  };
}

export abstract class WrappingDriver implements Driver {
  private readonly wrapped = new WeakMap<DatabaseConnection, DatabaseConnection>();
  private readonly originals = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(protected readonly inner: Driver) {}

  /** Runs a query sent on `outer` (the connection handed out) over `raw` (the inner driver's). */
  protected abstract run<R>(
    raw: DatabaseConnection,
    outer: DatabaseConnection,
    query: CompiledQuery,
  ): Promise<QueryResult<R>>;

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const raw = await this.inner.acquireConnection();
    let outer = this.wrapped.get(raw);
    if (outer === undefined) {
      const face: DatabaseConnection = {
        executeQuery: <R>(query: CompiledQuery) => this.run<R>(raw, face, query),
        streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => raw.streamQuery<R>(query, chunkSize),
      };
      outer = face;
      this.wrapped.set(raw, outer);
      this.originals.set(outer, raw);
    }
    return outer;
  }

  /** The inner driver's connection behind one this driver handed out. */
  protected unwrap(connection: DatabaseConnection): DatabaseConnection {
    return this.originals.get(connection) ?? connection;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(this.unwrap(connection), settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(this.unwrap(connection));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(this.unwrap(connection));
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

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(this.unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
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
}
