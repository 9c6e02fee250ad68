// What the engine's next pass looks at: touched workflows, due timeouts, all of them on a sweep.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WatchList } from './watch-list.js';

test('touched workflows are taken once, in touch order', () => {
  const watch = new WatchList(60_000);
  watch.touch('b');
  watch.touch('a');
  watch.touch('b');
  assert.equal(watch.pending, 2);
  assert.deepEqual(watch.take(0), ['b', 'a']);
  assert.deepEqual(watch.take(0), []);
});

test('a remembered timeout makes its workflow due when it falls due, not before', () => {
  const watch = new WatchList(60_000);
  watch.seen('w', 'w-1', 5_000);
  assert.deepEqual(watch.take(4_999), []);
  assert.deepEqual(watch.take(5_000), ['w']);
  assert.deepEqual(watch.take(10_000), [], 'taken deadlines are forgotten until seen again');
  watch.seen('w', 'w-1', 7_000);
  watch.seen('w', 'w-1', null);
  assert.deepEqual(watch.take(8_000), [], 'a pass without a pending timeout clears it');
});

test('a sweep is due at the first pass, then once per interval', () => {
  const watch = new WatchList(60_000);
  const at = [0, 1, 59_999, 60_000, 60_001, 120_000];
  assert.deepEqual(
    at.map((ms) => watch.sweepDue(ms)),
    [true, false, false, true, false, true],
  );
});

test('an ended workflow yields its id once, only if it was seen alive', () => {
  const watch = new WatchList(60_000);
  watch.seen('w', 'w-1', 1_000);
  assert.equal(watch.ended('w'), 'w-1');
  assert.equal(watch.ended('w'), null);
  assert.equal(watch.ended('never-seen'), null);
  assert.deepEqual(watch.take(2_000), [], 'its timeout went with it');
});
