// better-sqlite3 builds each row object property by property in C++, which is slow for wide rows (the
// 27 columns of a workflow); reading rows as arrays and naming them here builds the same objects faster.
import type Sqlite from 'better-sqlite3';
import type { SqliteStatement } from 'kysely';

/** The statement as Kysely's driver uses it, its rows built from arrays under the result's column names. */
export function withRowObjects(statement: Sqlite.Statement<unknown[], unknown>): SqliteStatement {
  if (!statement.reader) return statement;
  const names = statement.columns().map((c) => c.name);
  const raw = statement.raw(true) as unknown as Sqlite.Statement<unknown[], unknown[]>;
  // Same keys in the same order every time, so V8 shares one shape; a repeated name keeps the last value.
  const toObject = (values: unknown[]): Record<string, unknown> => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) row[names[i] ?? ''] = values[i];
    return row;
  };
  return {
    reader: true,
    all: (parameters) => raw.all(parameters).map(toObject),
    run: (parameters) => raw.run(parameters),
    *iterate(parameters) {
      for (const values of raw.iterate(parameters)) yield toObject(values);
    },
  };
}
