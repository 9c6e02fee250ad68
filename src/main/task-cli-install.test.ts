// Reading ldd's answer, and the CLI this very process would give a task.
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { findTaskCliInstall, parseLdd } from './task-cli-install.js';
import { loopbackUrlOf } from './task-cli-provider.js';

test('ldd lines give each library by its loaded name and the loader by its own', () => {
  const text = [
    '\tlinux-vdso.so.1 (0x00007ffd5d9f2000)',
    '\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f1949800000)',
    '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f194961e000)',
    '\t/lib64/ld-linux-x86-64.so.2 (0x00007f1949b54000)',
  ].join('\n');
  assert.deepEqual(parseLdd(text), {
    libraries: [
      { name: 'libstdc++.so.6', path: '/lib/x86_64-linux-gnu/libstdc++.so.6' },
      { name: 'libc.so.6', path: '/lib/x86_64-linux-gnu/libc.so.6' },
      { name: 'ld-linux-x86-64.so.2', path: '/lib64/ld-linux-x86-64.so.2' },
    ],
    loader: 'ld-linux-x86-64.so.2',
  });
  assert.deepEqual(parseLdd('\tnot a dynamic executable\n'), { libraries: [], loader: null });
});

test('the install found for this process names files that exist', async () => {
  const install = await findTaskCliInstall();
  assert.notEqual(typeof install, 'string', String(install));
  if (typeof install === 'string') return;
  await access(install.node);
  await access(join(install.appRoot, 'bin', 'osmo'));
  for (const library of install.libraries) await access(library.path);
  if (install.loader !== null) assert.ok(install.libraries.some((l) => l.name === install.loader));
});

test('a wildcard address is reached on loopback', () => {
  assert.equal(loopbackUrlOf('http://0.0.0.0:8000'), 'http://127.0.0.1:8000');
  assert.equal(loopbackUrlOf('http://[::]:8000/'), 'http://[::1]:8000');
  assert.equal(loopbackUrlOf('http://10.0.0.5:8000'), 'http://10.0.0.5:8000');
});
