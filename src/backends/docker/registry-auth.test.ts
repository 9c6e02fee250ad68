// Registry credentials against a real registry: Debian's docker-registry on loopback with htpasswd auth.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectAttempt, makeAttempt } from '../contract.js';
import { createDockerBackend, type DockerBackend } from './docker-backend.js';
import { openEngine } from './engine-client.js';
import { startTestEngine, type TestEngine } from './podman-fixture.js';
import {
  REGISTRY_PASSWORD as PASSWORD,
  REGISTRY_USER as USER,
  startTestRegistry,
  type TestRegistry,
} from './registry-fixture.js';
import { looksLikeBase64UserPassword, registryOfImage } from './registry-auth.js';

let dir: string;
let registry: TestRegistry;
let engine: TestEngine;
let backend: DockerBackend;
let image: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osmo-registry-'));
  registry = await startTestRegistry();
  engine = await startTestEngine(registry.engineEnv);
  image = await registry.push(engine.env, 'osmo/private-busybox:1');
  backend = createDockerBackend({ host: engine.host, workRoot: dir, isolateNetworks: true });
});

after(async () => {
  await backend.close();
  await registry.stop();
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
