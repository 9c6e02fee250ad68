// Known SQL texts run as named statements on the connection that ran them; past the bound, unnamed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { testPostgresUrl } from '../../testing.js';
import { withNamedStatements } from './named-statements.js';

test('a select runs as a statement named by its text, a text past the bound and a SET run unnamed', async () => {
  const pool = new pg.Pool({ connectionString: testPostgresUrl(), max: 1 });
  const named = withNamedStatements(pool, 2);
  const client = await named.connect();
  try {
    await client.query('SET LOCAL statement_timeout = 0', []);
    await client.query('select $1::int as one', [1]);
    const again = await client.query<{ one: number }>('select $1::int as one', [2]);
    assert.deepEqual(again.rows, [{ one: 2 }]);
    // The third text, past the bound of two: it runs unnamed, so it does not list itself.
    const listed = 'select name, statement from pg_prepared_statements order by statement';
    await client.query('select 3 as second_name', []);
    const { rows } = await client.query<{ name: string; statement: string }>(listed, []);
    assert.deepEqual(
      rows.map((r) => r.statement),
      ['select $1::int as one', 'select 3 as second_name'],
    );
    assert.ok(rows.every((r) => /^osmo_[0-9a-f]{32}$/.test(r.name)));
  } finally {
    client.release();
    await named.end();
  }
});
