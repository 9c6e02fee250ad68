// One service per SQLite file: a second `osmo service start` on the same data directory is refused with
// the first one named, while a service killed with SIGKILL leaves nothing that blocks its restart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServiceProcess, tempDir } from './harness.js';

test('a second service on the same SQLite store is refused; after a SIGKILL the store starts again', async () => {
  const dataDir = await tempDir('single-service');
  const first = await startServiceProcess({ dataDir });
  try {
    await assert.rejects(startServiceProcess({ dataDir }), (err: Error) => {
      assert.match(err.message, /Another osmo service \(pid \d+ on /);
      assert.match(err.message, /SQLite serves one service at a time/);
      return true;
    });
    // The refused start left the first one serving.
    assert.equal((await fetch(`${first.url}/health`)).status, 200);
  } finally {
    await first.kill();
  }
  const again = await startServiceProcess({ dataDir });
  try {
    assert.equal((await fetch(`${again.url}/health`)).status, 200);
  } finally {
    await again.stop();
  }
  // A clean stop releases it at once.
  const third = await startServiceProcess({ dataDir });
  await third.stop();
});
