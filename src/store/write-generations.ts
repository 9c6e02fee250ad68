// Counts committed writes per table, told by the store's own driver: a reader that notes the count
// before it reads knows, later, whether what it read may have changed since.
import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import { WrappingDriver, wrapDriver } from './wrapping-driver.js';

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
export const countingWrites = (dialect: Dialect, generations: WriteGenerations): Dialect =>
  wrapDriver(dialect, (inner) => new CountingDriver(inner, generations));

class CountingDriver extends WrappingDriver {
  /** The tables each open transaction wrote, by the connection it runs on. */
  private readonly pending = new WeakMap<DatabaseConnection, Set<string | null>>();

  constructor(
    inner: Driver,
    private readonly generations: WriteGenerations,
  ) {
    super(inner);
  }

  protected async run<R>(
    raw: DatabaseConnection,
    outer: DatabaseConnection,
    query: CompiledQuery,
  ): Promise<QueryResult<R>> {
    const result = await raw.executeQuery<R>(query);
    const table = writtenTable(query.sql);
    if (table !== undefined) {
      const open = this.pending.get(outer);
      if (open) open.add(table);
      else this.generations.bump([table]);
    }
    return result;
  }

  override async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    await super.beginTransaction(connection, settings);
    this.pending.set(connection, new Set());
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const written = this.pending.get(connection);
    this.pending.delete(connection);
    try {
      await super.commitTransaction(connection);
    } finally {
      // A commit that failed midway may still have written: counting too often only costs a reread.
      if (written && written.size > 0) this.generations.bump(written);
    }
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    this.pending.delete(connection);
    await super.rollbackTransaction(connection);
  }
}
