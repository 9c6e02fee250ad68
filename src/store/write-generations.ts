// Counts committed writes per table, told by the store's own driver: a reader that notes the count
// before it reads knows, later, whether what it read may have changed since.
import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';

export class WriteGenerations {
  private readonly counts = new Map<string, number>();
  /** Bumped by every write, whatever its table: what a statement the parser cannot name touches. */
  private any = 0;

  /** The sum of the tables' counts: it moves whenever one of them is written. */
  of(tables: readonly string[]): number {
    let sum = this.any;
    for (const table of tables) sum += this.counts.get(table) ?? 0;
    return sum;
  }

  bump(tables: Iterable<string | null>): void {
    for (const table of tables) {
      if (table === null) this.any += 1;
      else this.counts.set(table, (this.counts.get(table) ?? 0) + 1);
    }
  }
}

const WRITE =
  /^\s*(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from|replace\s+into)\s+"?([A-Za-z_][\w]*)"?/i;
const MAYBE_WRITE = /\b(?:insert|update|delete|replace|alter|drop|create)\b/i;

/**
 * The table a statement writes, null for one that may write but whose table is not plain to see (a
 * `WITH … UPDATE`, DDL), undefined for a read.
 */
export function writtenTable(sql: string): string | null | undefined {
  const match = WRITE.exec(sql);
  if (match) return (match[1] as string).toLowerCase();
  if (/^\s*(?:select|pragma|begin|commit|rollback|savepoint|release|set|show)\b/i.test(sql)) return undefined;
  return MAYBE_WRITE.test(sql) ? null : undefined;
}

/**
 * Wraps a dialect so that its writes are counted once they are visible to other readers: a write
 * outside a transaction when it has run, one inside a transaction when that commits (a rolled-back
 * one changed nothing).
 */
export function countingWrites(dialect: Dialect, generations: WriteGenerations): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => new CountingDriver(dialect.createDriver(), generations),
  };
}

class CountingDriver implements Driver {
  /** The tables each open transaction wrote, by the connection it runs on. */
  private readonly pending = new WeakMap<DatabaseConnection, Set<string | null>>();
  private readonly wrapped = new WeakMap<DatabaseConnection, DatabaseConnection>();
  private readonly originals = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(
    private readonly inner: Driver,
    private readonly generations: WriteGenerations,
  ) {}

  savepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.innerSavepoints().savepoint(this.unwrap(connection), name, compile);
  }

  rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.innerSavepoints().rollbackToSavepoint(this.unwrap(connection), name, compile);
  }

  releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.innerSavepoints().releaseSavepoint(this.unwrap(connection), name, compile);
  }

  private innerSavepoints(): Required<
    Pick<Driver, 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint'>
  > {
    const { savepoint, rollbackToSavepoint, releaseSavepoint } = this.inner;
    if (!savepoint || !rollbackToSavepoint || !releaseSavepoint)
      throw new Error('the store driver has no savepoints');
    return {
      savepoint: savepoint.bind(this.inner),
      rollbackToSavepoint: rollbackToSavepoint.bind(this.inner),
      releaseSavepoint: releaseSavepoint.bind(this.inner),
    };
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    let outer = this.wrapped.get(connection);
    if (outer === undefined) {
      outer = {
        executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
          const result = await connection.executeQuery<R>(query);
          const table = writtenTable(query.sql);
          if (table !== undefined) {
            const open = this.pending.get(outer!);
            if (open) open.add(table);
            else this.generations.bump([table]);
          }
          return result;
        },
        streamQuery: <R>(query: CompiledQuery, chunkSize?: number) =>
          connection.streamQuery<R>(query, chunkSize),
      };
      this.wrapped.set(connection, outer);
      this.originals.set(outer, connection);
    }
    return outer;
  }

  private unwrap(connection: DatabaseConnection): DatabaseConnection {
    return this.originals.get(connection) ?? connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await this.inner.beginTransaction(this.unwrap(connection), settings);
    this.pending.set(connection, new Set());
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const written = this.pending.get(connection);
    this.pending.delete(connection);
    try {
      await this.inner.commitTransaction(this.unwrap(connection));
    } finally {
      // A commit that failed midway may still have written: counting too often only costs a reread.
      if (written && written.size > 0) this.generations.bump(written);
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    this.pending.delete(connection);
    await this.inner.rollbackTransaction(this.unwrap(connection));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(this.unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
