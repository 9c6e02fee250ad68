// What differs between the databases the store runs on; each database is a folder implementing this.
import type { CreateTableBuilder, Dialect, Expression, KyselyPlugin, RawBuilder, SqlBool } from 'kysely';
import type { StoreKind } from '../repositories.js';

/** Column type names for the portable logical types used by the migrations. */
export interface ColumnTypes {
  readonly timestamp: 'text' | 'timestamptz';
  readonly json: 'text' | 'jsonb';
  readonly bool: 'integer' | 'boolean';
}

export interface StoreDialect {
  readonly kind: StoreKind;
  readonly columnTypes: ColumnTypes;
  createKyselyDialect(): Dialect;
  /** Plugins every query of this database goes through. */
  readonly plugins?: readonly KyselyPlugin[];
  /** Adds an auto-incrementing integer primary key column named `name`. */
  addIdColumn<T extends string, C extends string>(
    table: CreateTableBuilder<T, C>,
    name: string,
  ): CreateTableBuilder<T, C>;
  /** True for a violated UNIQUE or PRIMARY KEY constraint. */
  isUniqueViolation(err: unknown): boolean;
  /** Case-sensitive match of `value` against literal `parts` joined by "any text" wildcards. */
  wildcardMatch(value: Expression<unknown>, parts: readonly string[]): RawBuilder<SqlBool>;
  /** The text value under top-level `key` of a JSON column, or NULL when missing. */
  jsonText(column: Expression<unknown>, key: string): RawBuilder<string | null>;
  /** Whether top-level `key` exists in a JSON object column. */
  jsonHasKey(column: Expression<unknown>, key: string): RawBuilder<SqlBool>;
  /** Seconds since the Unix epoch of a timestamp column, fractional, as a number. */
  epochSeconds(column: Expression<unknown>): RawBuilder<number>;
}
