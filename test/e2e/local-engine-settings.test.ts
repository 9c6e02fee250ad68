// A standalone run on a Podman engine without explicit ulimits (which this machine needs) fails saying
// which containers.conf setting to add, rather than only relaying the OCI runtime's error. A missing crun
// stops Podman before it serves any call, so its hint is covered by the unit test of the messages.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  podmanMissingReason,
  startTestEngine,
  TEST_IMAGE,
} from '../../src/backends/docker/podman-fixture.js';
import { osmo, removeDir, tempDir } from './harness.js';

const podmanMissing = podmanMissingReason('the local runners need');

const SPEC = `workflow:
  name: engine-settings
  tasks:
    - name: hello
      image: ${TEST_IMAGE}
      command: ['echo', 'hello from the container']
`;

/** Runs the spec on an engine started with exactly this containers.conf. */
async function runWith(dir: string, conf: string): Promise<{ code: number; stderr: string; stdout: string }> {
  const confFile = join(dir, `containers-${Date.now()}.conf`);
  await writeFile(confFile, conf);
  const engine = await startTestEngine({ CONTAINERS_CONF: confFile });
  try {
    const spec = join(dir, 'spec.yaml');
    await writeFile(spec, SPEC);
    return await osmo(
      dir,
      ['standalone', 'run', '--docker-host', engine.host, '-f', spec, '--work-dir', join(dir, 'work')],
      60_000,
    );
  } finally {
    await engine.stop();
  }
}

describe('engine settings the local runners need', { skip: podmanMissing }, () => {
  let dir: string;
  before(async () => {
    dir = await tempDir('engine-settings');
  });
  after(async () => {
    if (dir) await removeDir(dir);
  });

  // Where the engine does work without them, the run succeeds and no advice is printed.
  test('without explicit ulimits: the run fails naming default_ulimits, or succeeds without advice', async () => {
    const r = await runWith(dir, '[engine]\nruntime = "runc"\n');
    if (r.code === 0) {
      assert.doesNotMatch(r.stderr, /default_ulimits/);
      assert.match(r.stdout, /hello from the container/);
    } else {
      assert.match(r.stderr, /error setting rlimit/, r.stderr);
      assert.match(r.stderr, /default_ulimits = \["nofile=1024:1024", "nproc=1024:1024"\]/, r.stderr);
      assert.equal(r.stderr.match(/default_ulimits =/g)?.length, 1, 'said once per run');
    }
  });
});
