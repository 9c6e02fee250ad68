// A long run of SQLite queries (synchronous underneath) still lets timers and requests run in between.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeTestStore } from '../../testing.js';

test('timers fire while one async chain runs SQLite queries back to back', async () => {
  const { store, dispose } = await makeTestStore('sqlite');
  try {
    let fired = 0;
    const timer = setInterval(() => (fired += 1), 1);
    const started = performance.now();
    let queries = 0;
    // Each query resolves without touching the event loop; only the store's pauses let the timer in.
    while (performance.now() - started < 200) {
      await store.workflows.get('not-a-workflow-1');
      queries += 1;
    }
    clearInterval(timer);
    assert.ok(fired >= 5, `the timer fired ${fired} times during ${queries} queries`);
  } finally {
    await dispose();
  }
});
