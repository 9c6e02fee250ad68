// The PostgreSQL store: a pg Pool on a URL, named statements, timestamptz and jsonb columns, LIKE for matching.
import pg from 'pg';
import { PostgresDialect, sql } from 'kysely';
import type { CreateTableBuilder, Expression, RawBuilder, SqlBool } from 'kysely';
import type { StoreDialect } from '../store-dialect.js';
import { withNamedStatements } from './named-statements.js';

const POOL_SIZE = 10;

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function postgresStoreDialect(url: string): StoreDialect {
  return {
    kind: 'postgres',
    columnTypes: { timestamp: 'timestamptz', json: 'jsonb', bool: 'boolean' },
    createKyselyDialect() {
      const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
      // An idle connection the server ends (a restart, an admin's terminate) emits 'error' on the pool;
      // without a listener that would crash the service. The pool drops the client and opens a new one.
      pool.on('error', () => undefined);
      return new PostgresDialect({ pool: withNamedStatements(pool) });
    },
    addIdColumn<T extends string, C extends string>(table: CreateTableBuilder<T, C>, name: string) {
      return table.addColumn(name, 'serial', (c) => c.primaryKey());
    },
    isUniqueViolation(err: unknown) {
      return (err as { code?: unknown } | null)?.code === '23505';
    },
    wildcardMatch(value: Expression<unknown>, parts: readonly string[]): RawBuilder<SqlBool> {
      return sql<SqlBool>`(${value})::text LIKE ${parts.map(escapeLike).join('%')} ESCAPE '\\'`;
    },
    jsonText(column: Expression<unknown>, key: string): RawBuilder<string | null> {
      return sql<string | null>`(${column} ->> ${key})`;
    },
    jsonHasKey(column: Expression<unknown>, key: string): RawBuilder<SqlBool> {
      return sql<SqlBool>`jsonb_exists(${column}, ${key})`;
    },
    epochSeconds(column: Expression<unknown>): RawBuilder<number> {
      return sql<number>`extract(epoch from ${column})::float8`;
    },
  };
}
