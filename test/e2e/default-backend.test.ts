// The default backend: containers when a Docker-compatible engine answers, else local processes; the
// service says which in one line, an explicit --backend wins, and the process node reports real CPUs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  podmanMissingReason,
  startTestEngine,
  TEST_IMAGE,
  type TestEngine,
} from '../../src/backends/docker/podman-fixture.js';
import { OSMO_BIN, eventually, loginAs, osmo, removeDir, tempDir } from './harness.js';

interface Started {
  readonly url: string;
  /** The service's stdout up to its listening line. */
  readonly banner: string;
  stop(): Promise<void>;
}

/** Starts the service as an admin would, keeping what it printed before it listened. */
async function startService(env: NodeJS.ProcessEnv, args: readonly string[] = []): Promise<Started> {
  const dataDir = await tempDir('default-backend');
  const child = spawn(
    process.execPath,
    [
      OSMO_BIN,
      'service',
      'start',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--dev',
      '--log-level',
      'warn',
      ...args,
    ],
    // Only the variables under test decide: none inherited from whoever runs the suite.
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOCKER_HOST: '', OSMO_BACKEND: '', ...env } },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start: ${out}${err}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`service exited with ${code}: ${out}${err}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    banner: out,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      await removeDir(dataDir);
    },
  };
}

const backendLine = (banner: string): string => /^osmo service backend: (.*)$/m.exec(banner)?.[1] ?? banner;

describe('without a usable container engine', () => {
  let dir: string;
  let halfEngine: Server;
  let halfSocket: string;

  before(async () => {
    dir = await tempDir('dead-engine');
    // Answers /_ping but fails /info: a socket that exists is not yet a usable engine.
    halfSocket = join(dir, 'half.sock');
    halfEngine = createServer((req, res) => {
      res.statusCode = req.url === '/_ping' ? 200 : 500;
      res.end(req.url === '/_ping' ? 'OK' : '{"message":"broken"}');
    });
    await new Promise<void>((resolve) => halfEngine.listen(halfSocket, resolve));
  });

  after(async () => {
    await new Promise((resolve) => halfEngine.close(resolve));
    await removeDir(dir);
  });

  test('DOCKER_HOST at a dead socket: the process backend, saying why', async () => {
    const dead = `unix://${join(dir, 'dead.sock')}`;
    const service = await startService({ DOCKER_HOST: dead });
    try {
      const line = backendLine(service.banner);
      assert.match(line, /^process: no usable container engine \(/, service.banner);
      assert.ok(line.includes(`${dead}: no socket`), line);
      // A host where bubblewrap cannot work says so after it (dev mode runs tasks without one).
      assert.match(line, /tasks run as sandboxed local processes(; without a sandbox here \(.+\))?$/);
      // The node is this machine as its cgroup allows, not the scheduler's overcommitted slots.
      const user = await loginAs(service.url, 'alice');
      const r = await osmo(user, ['resource', 'list', '--format-type', 'json']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const json = JSON.parse(r.stdout) as { resources: { allocatable_fields: { cpu: string } }[] };
      const cpu = Number(json.resources[0]?.allocatable_fields.cpu);
      assert.ok(cpu >= 1 && cpu <= availableParallelism(), r.stdout);
      await removeDir(user);
    } finally {
      await service.stop();
    }
  });

  test('an engine that fails /info is not used', async () => {
    const service = await startService({ DOCKER_HOST: `unix://${halfSocket}` });
    try {
      assert.match(backendLine(service.banner), /half\.sock: \/info answered 500\), tasks run as sandboxed/);
    } finally {
      await service.stop();
    }
  });
});

const podmanMissing = podmanMissingReason('choosing the container backend needs');

describe('with a Podman socket', { skip: podmanMissing }, () => {
  let engine: TestEngine;
  let specs: string;

  before(async () => {
    engine = await startTestEngine();
    specs = await tempDir('default-backend-specs');
  });

  after(async () => {
    await engine?.stop();
    if (specs) await removeDir(specs);
  });

  test('tasks run in their images by default, and the line names the engine', async () => {
    const service = await startService({ DOCKER_HOST: engine.host });
    try {
      assert.match(
        backendLine(service.banner),
        new RegExp(
          `^docker: Podman \\S+ answers at ${engine.host.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, tasks run in their images`,
        ),
      );
      const user = await loginAs(service.url, 'alice');
      const file = join(specs, 'in-image.yaml');
      // The test image holds /bin and /tmp only: no /usr, which every host (and its sandbox) has.
      await writeFile(
        file,
        `workflow:\n  name: in-image\n  tasks:\n    - name: probe\n      image: ${TEST_IMAGE}\n      command: ['sh', '-c', 'test ! -e /usr && echo inside-the-image']\n`,
      );
      const submitted = await osmo(user, ['workflow', 'submit', file]);
      assert.equal(submitted.code, 0, submitted.stdout + submitted.stderr);
      const id = /Workflow ID\s+-\s+(\S+)/.exec(submitted.stdout)?.[1] ?? '';
      const status = await eventually(async () => {
        const q = await osmo(user, ['workflow', 'query', id, '--format-type', 'json']);
        const s = (JSON.parse(q.stdout) as { status: string }).status;
        return /^(COMPLETED|FAILED)/.test(s) ? s : null;
      }, 60_000);
      assert.equal(status, 'COMPLETED');
      assert.match((await osmo(user, ['workflow', 'logs', id])).stdout, /inside-the-image/);
      await removeDir(user);
    } finally {
      await service.stop();
    }
  });

  test('an explicit --backend process wins over a reachable engine', async () => {
    const service = await startService({ DOCKER_HOST: engine.host }, ['--backend', 'process']);
    try {
      assert.match(backendLine(service.banner), /^process \(chosen with --backend or \$OSMO_BACKEND\)(;|$)/);
    } finally {
      await service.stop();
    }
  });
});
