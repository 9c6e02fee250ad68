// The statement cache hands back the statement prepared for the same SQL text, and forgets the least
// recently used one once it holds its maximum.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { withStatementCache } from './statement-cache.js';

test('the same SQL text is prepared once; past the bound the least recently used is prepared again', () => {
  const database = new Sqlite(':memory:');
  try {
    const cached = withStatementCache(database, 2);
    const one = cached.prepare('select 1');
    assert.equal(cached.prepare('select 1'), one);
    const two = cached.prepare('select 2');
    // Using `select 1` again makes `select 2` the least recently used, the one a third statement evicts.
    assert.equal(cached.prepare('select 1'), one);
    cached.prepare('select 3');
    assert.equal(cached.prepare('select 1'), one);
    assert.notEqual(cached.prepare('select 2'), two);
  } finally {
    database.close();
  }
});
