// Rows built from arrays are the objects better-sqlite3 itself would build, for every way Kysely reads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { withRowObjects } from './row-objects.js';

test('all, iterate and RETURNING give the rows better-sqlite3 gives; writes still report changes', () => {
  const database = new Sqlite(':memory:');
  try {
    database.exec('create table t (id integer primary key, name text, size real, data blob, note text)');
    const insert = withRowObjects(
      database.prepare('insert into t (name, size, data, note) values (?, ?, ?, ?)'),
    );
    assert.equal(insert.reader, false);
    assert.equal(insert.run(['a', 1.5, Buffer.from([1, 2]), null]).changes, 1);
    const returning = 'insert into t (name, size) values (?, ?) returning id, name';
    assert.deepEqual(withRowObjects(database.prepare(returning)).all(['b', 2]), [{ id: 2, name: 'b' }]);
    // A join naming one column twice, as `select *` over two tables does.
    const select = 'select t.*, u.name, u.id as other from t join t as u on u.id = 3 - t.id order by t.id';
    const expected = database.prepare(select).all([]);
    assert.equal(expected.length, 2);
    const statement = withRowObjects(database.prepare(select));
    assert.deepEqual(statement.all([]), expected);
    assert.deepEqual([...statement.iterate([])], expected);
    assert.deepEqual(statement.all([]), expected);
  } finally {
    database.close();
  }
});
