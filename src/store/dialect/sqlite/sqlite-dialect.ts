// The embedded SQLite store: one file, WAL journal, busy timeout, JSON as text, GLOB for matching,
// cached statements, and a share of the event loop for everything else while queries run.
import Sqlite from 'better-sqlite3';
import { SqliteDialect, sql } from 'kysely';
import type { CreateTableBuilder, Expression, RawBuilder, SqlBool } from 'kysely';
import type { StoreDialect } from '../store-dialect.js';
import { EventLoopSharePlugin } from './event-loop-share.js';
import { withStatementCache } from './statement-cache.js';

const BUSY_TIMEOUT_MS = 5000;

// GLOB is case-sensitive like PostgreSQL LIKE; its own metacharacters are escaped as classes.
const escapeGlob = (text: string): string => text.replace(/[*?[\]]/g, (c) => `[${c}]`);
const jsonPath = (key: string): string => `$."${key.replace(/["\\]/g, (c) => `\\${c}`)}"`;

export function sqliteStoreDialect(file: string): StoreDialect {
  return {
    kind: 'sqlite',
    columnTypes: { timestamp: 'text', json: 'text', bool: 'integer' },
    createKyselyDialect() {
      const database = new Sqlite(file);
      database.pragma('journal_mode = WAL');
      database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      database.pragma('foreign_keys = ON');
      database.pragma('synchronous = NORMAL');
      return new SqliteDialect({ database: withStatementCache(database) });
    },
    plugins: [new EventLoopSharePlugin()],
    addIdColumn<T extends string, C extends string>(table: CreateTableBuilder<T, C>, name: string) {
      return table.addColumn(name, 'integer', (c) => c.primaryKey().autoIncrement());
    },
    isUniqueViolation(err: unknown) {
      const code = (err as { code?: unknown } | null)?.code;
      return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
    },
    wildcardMatch(value: Expression<unknown>, parts: readonly string[]): RawBuilder<SqlBool> {
      return sql<SqlBool>`${value} GLOB ${parts.map(escapeGlob).join('*')}`;
    },
    jsonText(column: Expression<unknown>, key: string): RawBuilder<string | null> {
      return sql<string | null>`json_extract(${column}, ${jsonPath(key)})`;
    },
    jsonHasKey(column: Expression<unknown>, key: string): RawBuilder<SqlBool> {
      return sql<SqlBool>`(json_type(${column}, ${jsonPath(key)}) IS NOT NULL)`;
    },
    epochSeconds(column: Expression<unknown>): RawBuilder<number> {
      // Times are ISO text here; julianday reads them, 2440587.5 is the Julian day of the epoch.
      return sql<number>`((julianday(${column}) - 2440587.5) * 86400.0)`;
    },
  };
}
