// Kysely sends every query as an unnamed statement, which PostgreSQL parses and plans anew each time. Naming
// the statements of the service's fixed queries lets each connection parse them once and reuse the plan.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/** Distinct SQL texts given a name; later ones run unnamed, so no connection holds more than this. */
export const MAX_NAMED_STATEMENTS = 300;

// Only plannable statements: a named SET or DDL would gain nothing and would pin per-session state.
const PLANNABLE = /^\s*(select|insert|update|delete|with)\b/i;

/** The pool as Kysely's driver uses it, its clients running known SQL texts as named statements. */
export function withNamedStatements(pool: pg.Pool, maxNames = MAX_NAMED_STATEMENTS): PostgresPool {
  const names = new Map<string, string>();
  const nameOf = (sql: string): string | undefined => {
    const known = names.get(sql);
    if (known !== undefined || names.size >= maxNames || !PLANNABLE.test(sql)) return known;
    // Named by the text itself: every connection agrees on it, and a name never stands for two texts.
    const name = `osmo_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
    names.set(sql, name);
    return name;
  };
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
      function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
      function query<R>(
        sqlOrCursor: string | PostgresCursor<R>,
        parameters?: ReadonlyArray<unknown>,
      ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
        if (typeof sqlOrCursor !== 'string') {
          return client.query(sqlOrCursor as unknown as pg.Submittable) as unknown as PostgresCursor<R>;
        }
        const name = nameOf(sqlOrCursor);
        const values = [...(parameters ?? [])];
        const config =
          name === undefined ? { text: sqlOrCursor, values } : { name, text: sqlOrCursor, values };
        return client.query(config) as unknown as Promise<PostgresQueryResult<R>>;
      }
      return { query, release: (destroy?: boolean) => client.release(destroy) };
    },
    end: () => pool.end(),
  };
}
