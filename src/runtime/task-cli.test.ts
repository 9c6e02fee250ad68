// The in-task CLI's launcher, login file, mounts and variables, for a dynamic and a static Node.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TaskCliInstall, TaskCliLaunch } from '../core/index.js';
import {
  taskCliDataConfigFile,
  taskCliEnvironment,
  taskCliLauncher,
  taskCliLoginFile,
  taskCliMounts,
} from './task-cli.js';

const dynamic: TaskCliInstall = {
  node: '/usr/bin/node',
  libraries: [
    { name: 'libc.so.6', path: '/lib/x86_64-linux-gnu/libc.so.6' },
    { name: 'libstdc++.so.6', path: '/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30' },
    { name: 'ld-linux-x86-64.so.2', path: '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2' },
  ],
  loader: 'ld-linux-x86-64.so.2',
  appRoot: "/opt/o'smo",
  appEntries: ['bin', 'dist'],
};
const cli: TaskCliLaunch = {
  serviceUrl: 'http://127.0.0.1:8000/',
  serviceSocket: null,
  user: 'alice',
  nodeName: 'vm',
  accessToken: 'access.jwt.token',
  refreshToken: 'r'.repeat(43),
  install: dynamic,
};

test('a mounted CLI runs Node through the mounted loader; the host one runs Node as is', () => {
  assert.equal(
    taskCliLauncher(dynamic, 'mounted').split('\n')[2],
    "exec '/osmo/usr/lib/osmo/lib/ld-linux-x86-64.so.2' '--library-path' '/osmo/usr/lib/osmo/lib' " +
      "'/osmo/usr/lib/osmo/node' '/osmo/usr/lib/osmo/app/bin/osmo' \"$@\"",
  );
  assert.equal(
    taskCliLauncher({ ...dynamic, libraries: [], loader: null }, 'mounted').split('\n')[2],
    "exec '/osmo/usr/lib/osmo/node' '/osmo/usr/lib/osmo/app/bin/osmo' \"$@\"",
  );
  // A quote in a host path stays one word for the shell.
  assert.equal(
    taskCliLauncher(dynamic, 'host').split('\n')[2],
    "exec '/usr/bin/node' '/opt/o'\\''smo/bin/osmo' \"$@\"",
  );
});

test('the launcher passes its arguments through to the program, each one word', () => {
  const dir = mkdtempSync(join(tmpdir(), 'osmo-launcher-'));
  try {
    const launcher = join(dir, 'osmo');
    const script = taskCliLauncher({ ...dynamic, node: '/bin/echo', appRoot: dir }, 'host');
    writeFileSync(launcher, script, { mode: 0o755 });
    const out = execFileSync(launcher, ['workflow', 'list', 'a b']).toString();
    assert.equal(out, `${dir}/bin/osmo workflow list a b\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('libraries are mounted under the names Node loads them by, from their real paths', () => {
  assert.deepEqual(taskCliMounts(dynamic), [
    { hostPath: '/usr/bin/node', taskPath: '/osmo/usr/lib/osmo/node' },
    { hostPath: '/lib/x86_64-linux-gnu/libc.so.6', taskPath: '/osmo/usr/lib/osmo/lib/libc.so.6' },
    {
      hostPath: '/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30',
      taskPath: '/osmo/usr/lib/osmo/lib/libstdc++.so.6',
    },
    {
      hostPath: '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
      taskPath: '/osmo/usr/lib/osmo/lib/ld-linux-x86-64.so.2',
    },
    { hostPath: "/opt/o'smo/bin", taskPath: '/osmo/usr/lib/osmo/app/bin' },
    { hostPath: "/opt/o'smo/dist", taskPath: '/osmo/usr/lib/osmo/app/dist' },
  ]);
});

test('the login is an OSMO token login that refreshes at the service', () => {
  const login = JSON.parse(taskCliLoginFile(cli)) as Record<string, unknown>;
  assert.deepEqual(login, {
    url: 'http://127.0.0.1:8000',
    dev_login: null,
    name: 'alice',
    osmo_token: true,
    token_login: {
      id_token: 'access.jwt.token',
      refresh_token: 'r'.repeat(43),
      refresh_url: 'http://127.0.0.1:8000/api/auth/jwt/access_token',
      client_id: null,
      username: 'alice',
    },
  });
});

test('PATH gets the CLI directory appended once; the socket only where there is one', () => {
  const places = { configDir: '/osmo/login/config', binDir: '/osmo/usr/bin', socket: null };
  assert.deepEqual(taskCliEnvironment(cli, places, '/usr/bin:/bin'), {
    OSMO_CONFIG_FILE_DIR: '/osmo/login/config',
    OSMO_NODE_NAME: 'vm',
    OSMO_SERVICE_URL: 'http://127.0.0.1:8000',
    PATH: '/usr/bin:/bin:/osmo/usr/bin',
  });
  const again = taskCliEnvironment(
    cli,
    { ...places, socket: '/osmo/run/osmo-service.sock' },
    '/osmo/usr/bin:/bin',
  );
  assert.equal(again.PATH, '/osmo/usr/bin:/bin');
  assert.equal(again.OSMO_SERVICE_SOCKET, '/osmo/run/osmo-service.sock');
});

test("the user's DATA credentials become config.yaml's auth.data, keyed by endpoint; none: no file", () => {
  assert.equal(taskCliDataConfigFile(cli), null);
  assert.equal(taskCliDataConfigFile({ ...cli, dataCredentials: [] }), null);
  const file = taskCliDataConfigFile({
    ...cli,
    dataCredentials: [
      {
        endpoint: 's3://bucket',
        accessKeyId: 'AKIA0000',
        accessKey: 'secret-value',
        region: 'eu-west-1',
        overrideUrl: 'http://127.0.0.1:9000',
        addressingStyle: 'path',
      },
      {
        endpoint: 's3://other',
        accessKeyId: 'id',
        accessKey: 'key',
        region: null,
        overrideUrl: null,
        addressingStyle: null,
      },
    ],
  });
  assert.deepEqual(JSON.parse(file ?? 'null'), {
    auth: {
      data: {
        's3://bucket': {
          access_key_id: 'AKIA0000',
          access_key: 'secret-value',
          region: 'eu-west-1',
          override_url: 'http://127.0.0.1:9000',
          addressing_style: 'path',
        },
        's3://other': { access_key_id: 'id', access_key: 'key' },
      },
    },
  });
});
