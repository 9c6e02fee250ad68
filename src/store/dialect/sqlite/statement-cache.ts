// Kysely prepares every query anew; compiling the same SQL again costs SQLite more than running it.
import type Sqlite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { withRowObjects } from './row-objects.js';

export const MAX_CACHED_STATEMENTS = 500;

/**
 * The database as Kysely's SQLite driver sees it, reusing prepared statements by SQL text (least
 * recently used out). Safe because the driver runs one statement at a time to completion (all/run).
 */
export function withStatementCache(
  database: Sqlite.Database,
  maxStatements = MAX_CACHED_STATEMENTS,
): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      let statement = cache.get(sql);
      if (statement !== undefined) {
        cache.delete(sql);
      } else {
        statement = withRowObjects(database.prepare(sql));
        if (cache.size >= maxStatements) cache.delete(cache.keys().next().value ?? '');
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}
