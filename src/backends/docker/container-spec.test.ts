import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeAttempt } from '../contract.js';
import { containerCreateBody, entrypointOf } from './container-spec.js';

const mounts = { output: '/host/output', inputs: [], files: [] };
const settings = (imageEnv: readonly string[]) => ({
  backendId: 'test',
  shmSizeBytes: null,
  gpu: { mode: 'none' as const },
  imageEnv,
});

test('`$(NAME)` expands from the image environment under the task and runtime variables', () => {
  const launch = makeAttempt('/storage', {
    command: ['$(TOOLS)/run', '$(HOME)'],
    args: ['$(GREETING)', '$$(GREETING)', '$(LANG)', '$(NVIDIA_VISIBLE_DEVICES)', '$(UNDEFINED)'],
    environment: { GREETING: 'hi', LANG: 'C.UTF-8' },
    gpuIndices: [0, 2],
  });
  const body = containerCreateBody(
    launch,
    mounts,
    settings(['TOOLS=/opt/tools', 'HOME=/old', 'HOME=/root', 'LANG=en_US', 'BROKEN']),
  );
  assert.deepEqual(body.Entrypoint, ['/opt/tools/run']);
  assert.equal(entrypointOf(body), '/opt/tools/run');
  assert.deepEqual(body.Cmd, ['/root', 'hi', '$(GREETING)', 'C.UTF-8', '0,2', '$(UNDEFINED)']);
});

test('the default PATH the container gets is the one `$(PATH)` expands to', () => {
  const body = containerCreateBody(makeAttempt('/storage', { args: ['$(PATH)'] }), mounts, settings([]));
  assert.deepEqual(body.Cmd, ['/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
});
