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

test('a launch with the CLI mounts its files read-only and its socket, with PATH appended', () => {
  const launch = makeAttempt('/storage', {});
  const taskCli = {
    serviceUrl: 'http://127.0.0.1:8000',
    serviceSocket: '/data/run/task-service.sock',
    user: 'alice',
    nodeName: 'engine',
    accessToken: 'a'.repeat(20),
    refreshToken: 'r'.repeat(43),
    install: {
      node: '/usr/bin/node',
      libraries: [{ name: 'ld-linux-x86-64.so.2', path: '/usr/lib/ld.so' }],
      loader: 'ld-linux-x86-64.so.2',
      appRoot: '/opt/osmo',
      appEntries: ['bin'],
    },
  };
  const body = containerCreateBody(
    { ...launch, taskCli },
    { ...mounts, taskCli: { loginDir: '/a/files/osmo-login', launcher: '/a/files/osmo-launcher' } },
    settings(['PATH=/image/bin']),
  );
  const binds = body.HostConfig?.Binds ?? [];
  for (const bind of [
    '/a/files/osmo-login:/osmo/login/config:ro',
    '/a/files/osmo-launcher:/osmo/usr/bin/osmo:ro',
    '/usr/bin/node:/osmo/usr/lib/osmo/node:ro',
    '/usr/lib/ld.so:/osmo/usr/lib/osmo/lib/ld-linux-x86-64.so.2:ro',
    '/opt/osmo/bin:/osmo/usr/lib/osmo/app/bin:ro',
    '/data/run/task-service.sock:/osmo/run/osmo-service.sock',
  ])
    assert.ok(binds.includes(bind), `${bind} in ${binds.join(' ')}`);
  const env = body.Env ?? [];
  for (const entry of [
    'PATH=/image/bin:/osmo/usr/bin',
    'OSMO_CONFIG_FILE_DIR=/osmo/login/config',
    'OSMO_SERVICE_SOCKET=/osmo/run/osmo-service.sock',
    'OSMO_NODE_NAME=engine',
  ])
    assert.ok(env.includes(entry), `${entry} in ${env.join(' ')}`);
  // Without the CLI, nothing of it.
  const plain = containerCreateBody(launch, mounts, settings(['PATH=/image/bin']));
  assert.ok(!(plain.Env ?? []).some((e) => e.startsWith('OSMO_CONFIG_FILE_DIR=')));
});
