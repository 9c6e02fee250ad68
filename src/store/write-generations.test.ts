// Writes are counted per table once others can see them, on every dialect; a read cache built on the
// counts rereads after a write and never keeps an answer read while a write committed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReadCache } from './read-cache.js';
import { newTestWorkflow, withTestStores } from './testing.js';
import { WriteGenerations, writtenTable } from './write-generations.js';

test('the table a statement writes, whatever the quoting; reads and transaction control are none', () => {
  assert.equal(writtenTable('insert into "workflows" ("a") values (?)'), 'workflows');
  assert.equal(writtenTable('UPDATE workflows SET status = $1'), 'workflows');
  assert.equal(writtenTable('delete from "workflow_tags" where "x" = ?'), 'workflow_tags');
  assert.equal(writtenTable('insert or replace into "users" values (?)'), 'users');
  assert.equal(writtenTable('select * from "workflows"'), undefined);
  assert.equal(writtenTable('begin'), undefined);
  assert.equal(writtenTable('commit'), undefined);
  // A write whose table is not plain to see counts against every table.
  assert.equal(writtenTable('with t as (select 1) update "workflows" set a = 1'), null);
  assert.equal(writtenTable('create index "i" on "workflows" ("a")'), null);
});

test('a read cache keeps an answer until one of its tables is written, and a moment at most', async () => {
  const writes = new WriteGenerations();
  let clock = 0;
  const cache = new ReadCache<number>(writes, ['workflows'], 2, 1000, () => clock);
  let reads = 0;
  const read = () => Promise.resolve(++reads);
  assert.equal(await cache.get('a', read), 1);
  assert.equal(await cache.get('a', read), 1);
  writes.bump(['tasks']);
  assert.equal(await cache.get('a', read), 1, 'a table it does not read');
  writes.bump(['workflows']);
  assert.equal(await cache.get('a', read), 2);
  writes.bump([null]);
  assert.equal(await cache.get('a', read), 3, 'a write to an unknown table');
  clock += 1000;
  assert.equal(await cache.get('a', read), 4, 'too old');
  // A write that commits while the answer is read makes that answer stale at once.
  const slow = cache.get('b', async () => {
    writes.bump(['workflows']);
    return ++reads;
  });
  assert.equal(await slow, 5);
  assert.equal(await cache.get('b', read), 6);
  await cache.get('c', read);
  await cache.get('d', read);
  assert.equal(await cache.get('b', read), 9, 'the least recently used went out');
});

test('misses while a read is under way wait for it, unless a write was counted since it began', async () => {
  const writes = new WriteGenerations();
  const cache = new ReadCache<number>(writes, ['workflows']);
  let reads = 0;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const slow = async () => {
    reads += 1;
    const n = reads;
    await gate;
    return n;
  };
  const first = cache.get('a', slow);
  const second = cache.get('a', slow);
  assert.equal(reads, 1, 'the second miss shares the first read');
  writes.bump(['workflows']);
  const third = cache.get('a', slow);
  assert.equal(reads, 2, 'a miss after a write reads again');
  const other = cache.get('b', slow);
  assert.equal(reads, 3, 'another key never shares');
  release();
  assert.deepEqual(await Promise.all([first, second, third, other]), [1, 1, 2, 3]);
  assert.equal(await cache.get('a', slow), 2, 'the answer read after the write is kept');
  // A failed read is neither kept nor shared once it has failed.
  writes.bump(['workflows']);
  await assert.rejects(
    cache.get('a', () => Promise.reject(new Error('down'))),
    /down/,
  );
  assert.equal(await cache.get('a', () => Promise.resolve(7)), 7);
});

withTestStores((getStore) => {
  test('a write is counted once it has run, one in a transaction once it commits, a rolled-back one never', async () => {
    const store = getStore();
    const count = () => store.writes.of(['workflows']);
    const before = count();
    const created = await store.workflows.create(newTestWorkflow({ workflowName: 'counted' }));
    assert.ok(count() > before);

    const outside = count();
    await store.transaction(async (tx) => {
      await tx.workflows.setCancelledBy(created.workflowUuid, 'bob');
      assert.equal(count(), outside, 'counted before its commit');
    });
    assert.ok(count() > outside);

    const committed = count();
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.workflows.setCancelledBy(created.workflowUuid, 'carol');
        throw new Error('undone');
      }),
      /undone/,
    );
    assert.equal(count(), committed);
    // Reads count nothing.
    await store.workflows.listSummaries({ offset: 0, limit: 5, order: 'DESC' });
    assert.equal(count(), committed);
  });
});
