// The engine lease on a real PostgreSQL database: one holder at a time, and fenced writes of a holder
// that lost it are refused, while a takeover waits for a fenced transaction already past its check.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { FencedOutError, openFencedStore } from '../store/index.js';
import { makeTestStore } from '../store/testing.js';
import { EngineLease } from './engine-lease.js';

test('a lease has one holder; a lapsed one is taken over with the next term, and the old holder is fenced', async () => {
  const pg = await makeTestStore('postgres');
  assert.equal(pg.config.kind, 'postgres');
  const fencedStores: { close(): Promise<void> }[] = [];
  try {
    const db = pg.store.db;
    await sql`CREATE TABLE scratch (v integer)`.execute(db);
    const count = async () =>
      Number((await sql<{ n: string }>`SELECT count(*) AS n FROM scratch`.execute(db)).rows[0]?.n);
    const a = new EngineLease(db);
    const b = new EngineLease(db);
    const c = new EngineLease(db);
    const fenced = (lease: EngineLease) => {
      const store = openFencedStore(pg.config, () => lease.current(), pg.store.writes);
      fencedStores.push(store);
      return store;
    };
    const expire = () => sql`UPDATE service_lease SET expires_at = now() - interval '1 second'`.execute(db);

    assert.equal(await a.tryAcquire(), true);
    assert.equal(await b.tryAcquire(), false);
    assert.equal(a.current()?.term, 1);
    assert.equal(await a.renew(), true);
    const asA = fenced(a);
    await sql`INSERT INTO scratch VALUES (1)`.execute(asA.db);
    assert.equal(await count(), 1);

    // A paused holder: its lease lapsed and was taken while it still believes it holds it.
    await expire();
    assert.equal(await b.tryAcquire(), true);
    assert.equal(b.current()?.term, 2);
    assert.notEqual(a.current(), null);
    await assert.rejects(sql`INSERT INTO scratch VALUES (2)`.execute(asA.db), FencedOutError);
    await assert.rejects(
      asA.transaction(async (s) => sql`INSERT INTO scratch VALUES (3)`.execute(s.db)),
      FencedOutError,
    );
    assert.equal(await count(), 1);
    assert.equal(await a.renew(), false);
    assert.equal(a.current(), null);

    // A takeover waits for the holder's transaction that already passed its check, then wins.
    const asB = fenced(b);
    await expire();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let checked: () => void = () => undefined;
    const inside = new Promise<void>((r) => (checked = r));
    const writing = asB.transaction(async (s) => {
      await sql`INSERT INTO scratch VALUES (4)`.execute(s.db);
      checked();
      await gate;
    });
    await inside;
    let taken: boolean | null = null;
    const takeover = c.tryAcquire().then((ok) => (taken = ok));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(taken, null, 'the takeover did not wait for the fenced transaction');
    release();
    await writing;
    await takeover;
    assert.equal(taken, true);
    assert.equal(c.current()?.term, 3);
    assert.equal(await count(), 2);
    await assert.rejects(sql`INSERT INTO scratch VALUES (5)`.execute(asB.db), FencedOutError);
    // Reads are never fenced: a follower's engine handle still answers them.
    assert.equal(
      Number((await sql<{ n: string }>`SELECT count(*) AS n FROM scratch`.execute(asB.db)).rows[0]?.n),
      2,
    );

    await c.release();
    assert.equal(await a.tryAcquire(), true);
    assert.equal(a.current()?.term, 4);
  } finally {
    for (const s of fencedStores) await s.close();
    await pg.dispose();
  }
});
