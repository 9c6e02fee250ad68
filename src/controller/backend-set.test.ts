import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pino } from 'pino';
import { createDockerBackend } from '../backends/docker/index.js';
import { createProcessBackend } from '../backends/process/index.js';
import { parseConfigDocument, type BackendConfig } from '../config/pool-config.js';
import type { BackendKind } from '../core/index.js';
import { BackendSet, type BackendMaker } from './backend-set.js';
import { backendNodes, makeSettings, offlineReason } from './backend-states.js';

const log = pino({ level: 'silent' });
const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function workDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'osmo-backend-set-'));
  dirs.push(dir);
  return dir;
}

const entry = (fields: Record<string, unknown> & { name: string }): BackendConfig =>
  parseConfigDocument({ backends: [fields] }).backends[0] as BackendConfig;

test('makeSettings: only what a backend is made from remakes it', () => {
  const base = entry({ name: 'b', kind: 'docker', docker_host: 'unix:///a.sock' });
  assert.equal(makeSettings({ ...base, description: 'other' }), makeSettings(base));
  assert.equal(makeSettings({ ...base, nodes: [] }), makeSettings(base));
  assert.notEqual(makeSettings({ ...base, docker_host: 'unix:///b.sock' }), makeSettings(base));
  assert.notEqual(makeSettings({ ...base, kind: 'process' }), makeSettings(base));
});

test('backendNodes: declared nodes as given; detected ones overcommitted and named after their own backend', () => {
  const detected = [{ name: 'host', cpu: 4, memoryBytes: 8, storageBytes: 9, gpu: 1, labels: { a: 'b' } }];
  const declared = entry({ name: 'd', nodes: [{ name: 'n1', cpu: 2, memoryBytes: 4 }] });
  assert.deepEqual(
    backendNodes(declared, detected, 8, true).map((n) => [n.name, n.backend, n.cpu]),
    [['n1', 'd', 2]],
  );
  const own = backendNodes(entry({ name: 'p2', kind: 'process' }), detected, 8, true);
  assert.deepEqual(
    own.map((n) => [n.name, n.backend, n.cpu, n.reportedCpu]),
    [['p2:host', 'p2', 32, 4]],
  );
  const shared = backendNodes(entry({ name: 'default' }), detected, 1, false);
  assert.deepEqual(
    shared.map((n) => [n.name, n.cpu]),
    [['host', 4]],
  );
});

test('offlineReason: configured and online, offline with its error, or not configured', () => {
  assert.equal(offlineReason('a', { built: {}, online: true, lastError: 'old' }), null);
  assert.equal(
    offlineReason('a', { built: {}, online: false, lastError: 'connect ENOENT' }),
    'backend a is offline: connect ENOENT',
  );
  assert.equal(
    offlineReason('a', { built: null, online: false, lastError: null }),
    'backend a is offline: it could not be made',
  );
  assert.equal(offlineReason('gone', null), 'backend gone is not configured');
});

/** Real backends: processes on this host, and a container engine at a socket nobody listens on. */
async function realSet(): Promise<BackendSet> {
  const root = await workDir();
  const makers = new Map<BackendKind, BackendMaker>([
    [
      'process',
      async (e) => ({
        backend: createProcessBackend({
          workRoot: await mkdir(join(root, e.name), { recursive: true }).then(() => join(root, e.name)),
          launcherEntry: join(root, 'unused.js'),
          sandbox: 'off',
        }),
        cpuOvercommit: 8,
      }),
    ],
    [
      'docker',
      async (e) => ({
        backend: createDockerBackend({ host: e.docker_host ?? '', workRoot: join(root, e.name) }),
        cpuOvercommit: 1,
      }),
    ],
  ]);
  await mkdir(join(root, 'startup'));
  const startup = createProcessBackend({
    workRoot: join(root, 'startup'),
    launcherEntry: join(root, 'unused.js'),
    sandbox: 'off',
  });
  return new BackendSet({ backend: startup, cpuOvercommit: 8 }, makers, log);
}

test('BackendSet: backends are made by name, reported with their state, remade and removed with the config', async () => {
  const set = await realSet();
  const missingSocket = `unix://${join(await workDir(), 'nobody.sock')}`;
  const doc = parseConfigDocument({
    backends: [
      { name: 'default' },
      { name: 'local', kind: 'process' },
      { name: 'engine', kind: 'docker', docker_host: missingSocket },
    ],
    pools: {
      default: { backend: 'default' },
      cpu: { backend: 'local' },
      ctr: { backend: 'engine' },
    },
  });
  await set.start(doc);
  const states = new Map(set.states(doc).map((s) => [s.name, s]));
  assert.equal(states.get('default')?.online, true);
  assert.equal(states.get('default')?.kind, 'process');
  assert.equal(states.get('local')?.online, true);
  assert.equal(states.get('local')?.nodeCount, 1);
  assert.ok(states.get('local')?.lastHeartbeat instanceof Date);
  assert.equal(states.get('engine')?.online, false);
  assert.match(states.get('engine')?.lastError ?? '', /ENOENT|no such file|nobody\.sock/i);
  assert.match(set.unavailable(doc, 'engine') ?? '', /^backend engine is offline: /);
  assert.equal(set.unavailable(doc, 'local'), null);
  assert.equal(set.unavailable(doc, 'elsewhere'), 'backend elsewhere is not configured');
  // Each backend offers its own node; the one of its own is told apart by its name.
  const nodes = set.nodes(doc);
  assert.deepEqual(nodes.map((n) => n.backend).sort(), ['default', 'local']);
  assert.ok(nodes.some((n) => n.name.startsWith('local:')));
  // A workflow runs on its pool's backend; a kindless entry on the start-up backend.
  const local = set.forWorkflow({ backend: 'local', pool: 'cpu' });
  const startup = set.forWorkflow({ backend: 'default', pool: 'default' });
  assert.ok(local !== null && startup !== null && local !== startup);
  assert.equal(set.isStartup(startup), true);
  assert.equal(set.forWorkflow({ backend: null, pool: 'cpu' }), local);

  // Same settings: the same instance. Other settings: made again. Gone from the config: closed.
  const described = parseConfigDocument({
    ...doc,
    backends: doc.backends.map((b) => (b.name === 'local' ? { ...b, description: 'changed' } : b)),
  });
  await set.apply(described);
  assert.equal(set.byName('local'), local);
  const removed = parseConfigDocument({ ...doc, backends: doc.backends.filter((b) => b.name !== 'local') });
  await set.apply(removed);
  assert.equal(set.byName('local'), null);
  assert.equal(set.forWorkflow({ backend: 'local', pool: 'cpu' }), null);
  assert.equal(set.unavailable(removed, 'local'), 'backend local is not configured');
  await set.close();
});

test('BackendSet: a kind this service cannot run is a config error naming the backend', async () => {
  const set = await realSet();
  const doc = parseConfigDocument({
    backends: [{ name: 'k8s', kind: 'kubernetes', kubernetes: { in_cluster: true, runtime_image: 'osmo' } }],
  });
  assert.throws(
    () => set.check(doc),
    /Backend k8s: kind kubernetes is not available in this service \(available: process, docker\)/,
  );
  assert.throws(() => parseConfigDocument({ backends: [{ name: 'x', kind: 'nomad' }] }), /backends\.0\.kind/);
  assert.throws(
    () => parseConfigDocument({ backends: [{ name: 'x' }, { name: 'x' }] }),
    /backend x is declared twice/,
  );
  await set.close();
});
