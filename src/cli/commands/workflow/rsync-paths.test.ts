import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bandwidthLimitKiB } from './rsync-transfer.js';
import { daemonUrl, moduleFor, splitRsyncPath } from './rsync-paths.js';

test('LOCAL:REMOTE splits at the first colon not escaped', () => {
  assert.deepEqual(splitRsyncPath('src:/osmo/run/workspace'), ['src', '/osmo/run/workspace']);
  assert.deepEqual(splitRsyncPath('a\\:b:/x:y'), ['a:b', '/x:y']);
  assert.throws(() => splitRsyncPath('nocolon'), /Invalid rsync path format: missing colon/);
});

test('a remote path maps to the module with the longest prefix', () => {
  const allowed = {
    data: { path: '/osmo/data', writable: false },
    out: { path: '/osmo/data/output', writable: true },
  };
  assert.deepEqual(moduleFor('/osmo/run/workspace/src/', allowed, true), {
    module: 'osmo',
    relative: 'src/',
    writable: true,
  });
  assert.deepEqual(moduleFor('/osmo/data/output/x', allowed, true), {
    module: 'out',
    relative: 'x',
    writable: true,
  });
  assert.equal(moduleFor('/osmo/data/input', allowed, false).module, 'data');
  assert.throws(() => moduleFor('/osmo/data/input', allowed, true), /is not writable/);
  assert.throws(() => moduleFor('/etc', allowed, false), /not within an allowed path/);
  assert.throws(() => moduleFor('rel', allowed, false), /must be an absolute path/);
  assert.throws(() => moduleFor('/osmo/run/workspacex', {}, false), /not within an allowed path/);
  assert.equal(daemonUrl(873, moduleFor('/osmo/run/workspace', {}, true)), 'rsync://127.0.0.1:873/osmo/');
});

test('the tighter of the user and admin upload caps, in KiB/s', () => {
  assert.equal(bandwidthLimitKiB(null, 0), null);
  assert.equal(bandwidthLimitKiB(null, 2097152), 2048);
  assert.equal(bandwidthLimitKiB(10240, 2097152), 10);
  assert.equal(bandwidthLimitKiB(100, 0), 1);
});
