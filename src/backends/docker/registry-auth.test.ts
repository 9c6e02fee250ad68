// Registry credentials against a real registry: Debian's docker-registry on loopback with htpasswd auth.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { collectAttempt, makeAttempt } from '../contract.js';
import { createDockerBackend, type DockerBackend } from './docker-backend.js';
import { openEngine } from './engine-client.js';
import { startTestEngine, TEST_IMAGE, type TestEngine } from './podman-fixture.js';
import { looksLikeBase64UserPassword, registryOfImage } from './registry-auth.js';

const run = promisify(execFile);
const USER = 'osmo-user';
const PASSWORD = 'registry-secret-42';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

let dir: string;
let registry: ChildProcess;
let engine: TestEngine;
let backend: DockerBackend;
let image: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osmo-registry-'));
  const port = await freePort();
  const { stdout: htpasswd } = await run('htpasswd', ['-Bbn', USER, PASSWORD]);
  await writeFile(join(dir, 'htpasswd'), htpasswd);
  await writeFile(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'storage:',
      `  filesystem: {rootdirectory: ${join(dir, 'data')}}`,
      'http:',
      `  addr: 127.0.0.1:${port}`,
      'auth:',
      '  htpasswd:',
      '    realm: osmo-test',
      `    path: ${join(dir, 'htpasswd')}`,
      '',
    ].join('\n'),
  );
  registry = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  // Plain HTTP on loopback: the engine must be told this registry needs no TLS.
  await writeFile(
    join(dir, 'registries.conf'),
    `[[registry]]\nlocation = "127.0.0.1:${port}"\ninsecure = true\n`,
  );
  engine = await startTestEngine({ CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf') });
  image = `127.0.0.1:${port}/osmo/private-busybox:1`;
  for (let i = 0; ; i++) {
    const pushed = await run(
      'podman',
      ['push', '--tls-verify=false', '--creds', `${USER}:${PASSWORD}`, TEST_IMAGE, `docker://${image}`],
      { env: engine.env },
    ).then(
      () => true,
      (err: unknown) => (i > 50 ? Promise.reject(err) : false),
    );
    if (pushed) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  backend = createDockerBackend({ host: engine.host, workRoot: dir, isolateNetworks: true });
});

after(async () => {
  await backend.close();
  registry.kill('SIGTERM');
  await engine.stop();
  await rm(dir, { recursive: true, force: true });
});

async function pull(registryAuth: { registry: string; username: string; password: string } | null) {
  await openEngine(engine.host)
    .getImage(image)
    .remove({ force: true })
    .catch(() => undefined);
  const launch = makeAttempt(join(dir, 'storage'), { image, registryAuth });
  const { outcome } = collectAttempt(backend, launch, 60_000);
  await backend.launch(launch);
  return (await outcome).final;
}

test('a pull without the credential fails with FAILED_IMAGE_PULL naming the image', async () => {
  const final = await pull(null);
  assert.equal(final.status, 'FAILED_IMAGE_PULL');
  assert.ok(final.message?.includes(image), final.message ?? '');
});

test('a pull with the REGISTRY credential succeeds and the task runs', async () => {
  const final = await pull({ registry: registryOfImage(image), username: USER, password: PASSWORD });
  assert.equal(final.status, 'COMPLETED', final.message ?? '');
});

test('auth= given as base64 of user:password fails with the clear message', async () => {
  const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
  const final = await pull({ registry: registryOfImage(image), username: USER, password: auth });
  assert.equal(final.status, 'FAILED_IMAGE_PULL');
  assert.match(final.message ?? '', /base64-encoded "user:password" in auth=/);
  assert.ok(!looksLikeBase64UserPassword(PASSWORD, USER));
});

test('registry hosts are read from image references', () => {
  assert.equal(registryOfImage('ubuntu:24.04'), 'docker.io');
  assert.equal(registryOfImage('nvcr.io/nvidia/pytorch:24.01'), 'nvcr.io');
  assert.equal(registryOfImage('localhost:5000/x'), 'localhost:5000');
});
