// The backend choice against engines served on private sockets: usable, broken, absent, overridden.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { candidateSockets, chooseBackend } from './backend-choice.js';

let dir: string;
let podman: Server;
let silent: Server;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backend-choice-'));
  podman = createServer((req, res) => {
    if (req.url === '/_ping') return res.end('OK');
    if (req.url === '/info') return res.end('{"ServerVersion":"5.0.0"}');
    if (req.url === '/version') return res.end('{"Version":"5.0.0","Components":[{"Name":"Podman Engine"}]}');
    res.statusCode = 404;
    res.end();
  });
  // Accepts the connection and never answers: the probe must give up, not hang the start.
  silent = createServer(() => {});
  await new Promise<void>((r) => podman.listen(join(dir, 'podman.sock'), r));
  await new Promise<void>((r) => silent.listen(join(dir, 'silent.sock'), r));
});

after(async () => {
  silent.closeAllConnections();
  await Promise.all([podman, silent].map((s) => new Promise((r) => s.close(r))));
  await rm(dir, { recursive: true, force: true });
});

describe('chooseBackend', () => {
  test('default sockets: Docker first, then rootless and rootful Podman', () => {
    assert.deepEqual(candidateSockets({ XDG_RUNTIME_DIR: '/run/user/1000' }), [
      'unix:///var/run/docker.sock',
      'unix:///run/user/1000/podman/podman.sock',
      'unix:///run/podman/podman.sock',
    ]);
    assert.deepEqual(candidateSockets({}), ['unix:///var/run/docker.sock', 'unix:///run/podman/podman.sock']);
  });

  test('an engine answering /_ping and /info is chosen and named', async () => {
    const host = `unix://${join(dir, 'podman.sock')}`;
    const choice = await chooseBackend(null, host, {});
    assert.equal(choice.backend, 'docker');
    assert.equal(choice.dockerHost, host);
    assert.match(choice.reason, /^docker: Podman 5\.0\.0 answers at unix:\/\/.*podman\.sock/);
  });

  test('an engine that never answers falls back to processes within the probe timeout', async () => {
    const started = Date.now();
    const choice = await chooseBackend(null, `unix://${join(dir, 'silent.sock')}`, {});
    assert.equal(choice.backend, 'process');
    assert.match(choice.reason, /silent\.sock: no answer within 2 s/);
    assert.ok(Date.now() - started < 5_000);
  });

  test('an explicit backend is never probed', async () => {
    const choice = await chooseBackend('process', `unix://${join(dir, 'podman.sock')}`, {});
    assert.equal(choice.backend, 'process');
    assert.match(choice.reason, /chosen with --backend/);
  });
});
