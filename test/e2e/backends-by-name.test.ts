// End to end: one service drives several backends by name, the process backend it started with and a
// container backend on Podman, each pool's tasks on its own; a backend added, broken, mended and removed
// through the config API while the service runs; and a restart that hands each backend its own attempts.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LABELS, openEngine } from '../../src/backends/docker/index.js';
import {
  podmanMissingReason,
  startTestEngine,
  TEST_IMAGE,
  type TestEngine,
} from '../../src/backends/docker/podman-fixture.js';
import type { ServiceProcess } from './harness.js';
import {
  apiCall,
  devToken,
  eventually,
  loginAs,
  osmo,
  removeDir,
  startServiceProcess,
  tempDir,
} from './harness.js';

const podmanMissing = podmanMissingReason('backends by name need');

interface TaskJson {
  name: string;
  status: string;
  node_name: string | null;
  failure_message: string | null;
}
interface QueryJson {
  status: string;
  pending_reason?: string | null;
  groups: { tasks: TaskJson[] }[];
}
interface BackendJson {
  name: string;
  online: boolean;
  last_error?: string | null;
  node_count?: number;
  last_heartbeat: string | null;
  running_kind?: string;
}

let engine: TestEngine;
let service: ServiceProcess;
let admin: string;
let token: string;
let work: string;

// Where the task finds itself: the process backend runs it on this host (whose /usr/bin/env it sees),
// the container backend in the busybox image, which has no /usr at all.
const WHERE = `if [ -e /usr/bin/env ]; then echo "where: host"; else echo "where: image"; fi`;
const spec = (name: string, command: string): string =>
  `workflow:\n  name: ${name}\n  tasks:\n  - name: main\n    image: ${TEST_IMAGE}\n    command: ['sh', '-c', ${JSON.stringify(command)}]\n`;

async function submit(pool: string, name: string, command = WHERE): Promise<string> {
  const file = join(work, `${name}.yaml`);
  await writeFile(file, spec(name, command));
  const r = await osmo(admin, ['workflow', 'submit', file, '--pool', pool]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const id = /Workflow ID\s+-\s+(\S+)/.exec(r.stdout)?.[1];
  assert.ok(id, r.stdout);
  return id;
}

async function query(id: string): Promise<QueryJson> {
  const r = await osmo(admin, ['workflow', 'query', id, '--format-type', 'json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return JSON.parse(r.stdout) as QueryJson;
}

/** The ended workflow, once its last lines have settled so `workflow logs` returns. */
const ended = (id: string, timeoutMs = 90_000): Promise<QueryJson> =>
  eventually(async () => {
    const q = await query(id);
    if (!/^(COMPLETED|FAILED)/.test(q.status)) return null;
    await new Promise((r) => setTimeout(r, 2_000));
    return q;
  }, timeoutMs);

const logs = async (id: string): Promise<string> => (await osmo(admin, ['workflow', 'logs', id])).stdout;

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  return apiCall(service.url, method, path, token, body);
}

async function backends(): Promise<Map<string, BackendJson>> {
  const r = await api('GET', '/api/configs/backend');
  assert.equal(r.status, 200, r.text);
  return new Map((JSON.parse(r.text) as { backends: BackendJson[] }).backends.map((b) => [b.name, b]));
}

async function poolStatuses(): Promise<Map<string, string>> {
  const r = await osmo(admin, ['pool', 'list', '-t', 'json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const json = JSON.parse(r.stdout) as { node_sets: { pools: { name: string; status: string }[] }[] };
  return new Map(json.node_sets.flatMap((s) => s.pools.map((p) => [p.name, p.status] as const)));
}

const poolOn = (backend: string) => ({ backend, default_platform: 'any', platforms: { any: {} } });
const taskOf = (q: QueryJson): TaskJson | undefined => q.groups[0]?.tasks[0];

describe('one service, backends by name', { skip: podmanMissing }, () => {
  before(async () => {
    engine = await startTestEngine();
    work = await tempDir('backends-by-name');
    const config = join(work, 'pools.json');
    await writeFile(
      config,
      JSON.stringify({
        backends: [
          { name: 'default', description: 'the start-up backend' },
          { name: 'ctr', description: 'Podman', kind: 'docker', docker_host: engine.host },
        ],
        pools: { default: poolOn('default'), containers: poolOn('ctr') },
      }),
    );
    service = await startServiceProcess({ args: ['--config', config, '--admin', 'root'] });
    admin = await loginAs(service.url, 'root');
    token = await devToken(service.url, 'root');
  });

  after(async () => {
    await service?.stop();
    await engine?.stop();
    for (const dir of [service?.dataDir, admin]) if (dir) await removeDir(dir);
  });

  test('each pool runs its tasks on its own backend, and both are reported online', async () => {
    const onHost = await submit('default', 'on-process');
    const inImage = await submit('containers', 'on-docker');
    const [host, image] = [await ended(onHost), await ended(inImage)];
    assert.equal(host.status, 'COMPLETED', JSON.stringify(host));
    assert.equal(image.status, 'COMPLETED', JSON.stringify(image));
    const hostLog = await logs(onHost);
    const imageLog = await logs(inImage);
    assert.match(hostLog, /where: host/);
    assert.match(hostLog, /runs as a process on this host/);
    assert.match(imageLog, /where: image/);
    assert.doesNotMatch(imageLog, /runs as a process/);
    // Placed on a node of the pool's own backend: the container backend's is named after it.
    assert.equal(taskOf(host)?.node_name, hostname());
    assert.match(taskOf(image)?.node_name ?? '', /^ctr:/);

    const listed = await backends();
    for (const name of ['default', 'ctr']) {
      const b = listed.get(name);
      assert.equal(b?.online, true, JSON.stringify(b));
      assert.equal(b?.node_count, 1);
      assert.ok(b?.last_heartbeat !== null && !Number.isNaN(Date.parse(b?.last_heartbeat ?? '')));
    }
    assert.equal(listed.get('default')?.running_kind, 'process');
    assert.equal(listed.get('ctr')?.running_kind, 'docker');
    const text = await osmo(admin, ['backend', 'list']);
    assert.match(text.stdout, /ctr\s+Podman\s+ONLINE/);
    assert.match(text.stdout, /default\s+the start-up backend\s+ONLINE/);
    const pools = await poolStatuses();
    assert.equal(pools.get('default'), 'ONLINE');
    assert.equal(pools.get('containers'), 'ONLINE');
  });

  test('a backend added at run time that is down is shown offline, and its pool waits with the reason', async () => {
    const nobody = `unix://${join(work, 'nobody.sock')}`;
    const added = await api('POST', '/api/configs/backend/late', {
      configs: { kind: 'docker', docker_host: nobody, description: 'added later' },
    });
    assert.equal(added.status, 200, added.text);
    const pool = await api('PUT', '/api/configs/pool/late', { configs: poolOn('late') });
    assert.equal(pool.status, 200, pool.text);
    const late = (await backends()).get('late');
    assert.equal(late?.online, false, JSON.stringify(late));
    assert.match(late?.last_error ?? '', /nobody\.sock|ENOENT|no such file/i);
    assert.equal(late?.node_count, 0);
    assert.match((await osmo(admin, ['backend', 'list'])).stdout, /late\s+added later\s+OFFLINE/);
    assert.equal((await poolStatuses()).get('late'), 'OFFLINE');

    // Accepted and waiting, never failed: the reason names the backend and its error.
    const id = await submit('late', 'waits-for-late');
    const waiting = await eventually(async () => {
      const q = await query(id);
      return q.pending_reason ? q : null;
    });
    assert.equal(waiting.status, 'PENDING');
    assert.match(waiting.pending_reason ?? '', /^backend late is offline: .+; pool late waits for it$/);
    assert.match(
      (await osmo(admin, ['workflow', 'query', id])).stdout,
      /Waiting\s+: backend late is offline/,
    );
    // Not removed while a workflow still needs it, unless forced.
    const refused = await api('DELETE', '/api/configs/backend/late', {});
    assert.equal(refused.status, 400, refused.text);
    assert.match(refused.text, new RegExp(`not finished: ${id}`));

    // Mended through the config API: made again on the real engine, the waiting workflow runs there.
    const mended = await api('POST', '/api/configs/backend/late', { configs: { docker_host: engine.host } });
    assert.equal(mended.status, 200, mended.text);
    const done = await ended(id);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
    assert.match(await logs(id), /where: image/);
    assert.match(taskOf(done)?.node_name ?? '', /^late:/);
    assert.equal((await backends()).get('late')?.online, true);

    // Removed while a task runs on it: refused, then forced; the task ends with the reason, its container goes.
    const sleeper = await submit('late', 'sleeps-on-late', "trap 'exit 0' TERM; sleep 600 & wait");
    const docker = openEngine(engine.host);
    const label = [`${LABELS.workflowId}=${sleeper}`];
    await eventually(async () =>
      (await docker.listContainers({ filters: { label } })).length > 0 ? true : null,
    );
    const busy = await api('DELETE', '/api/configs/backend/late', {});
    assert.equal(busy.status, 400, busy.text);
    const forced = await api('DELETE', '/api/configs/backend/late', { force: true });
    assert.equal(forced.status, 200, forced.text);
    const stopped = await ended(sleeper);
    assert.equal(stopped.status, 'FAILED', JSON.stringify(stopped));
    assert.equal(taskOf(stopped)?.status, 'FAILED_BACKEND_ERROR');
    assert.equal(taskOf(stopped)?.failure_message, 'The backend late that ran this task was removed');
    await eventually(async () =>
      (await docker.listContainers({ all: true, filters: { label } })).length === 0 ? true : null,
    );
    // Added back, then removed through the CLI while nothing runs on it.
    const again = await api('POST', '/api/configs/backend/late', {
      configs: { kind: 'docker', docker_host: engine.host, description: 'added again' },
    });
    assert.equal(again.status, 200, again.text);
    assert.equal((await backends()).get('late')?.online, true);

    // Removed: gone from the list, its pool offline, new work waits for a backend of that name.
    const removed = await osmo(admin, ['config', 'delete', 'BACKEND', 'late', '-d', 'no longer needed']);
    assert.equal(removed.code, 0, removed.stdout + removed.stderr);
    assert.equal((await backends()).has('late'), false);
    assert.equal((await poolStatuses()).get('late'), 'OFFLINE');
    const orphan = await submit('late', 'no-backend');
    const reason = await eventually(async () => (await query(orphan)).pending_reason ?? null);
    assert.equal(reason, 'backend late is not configured; pool late waits for it');
    assert.equal((await osmo(admin, ['workflow', 'cancel', orphan])).code, 0);
  });

  test('a kind this service cannot run, or one without its settings, is refused with the backend named', async () => {
    const r = await api('POST', '/api/configs/backend/k8s', { configs: { kind: 'kubernetes' } });
    assert.equal(r.status, 400, r.text);
    assert.match(r.text, /backend k8s: kind kubernetes needs a kubernetes block/);
    const bad = await api('POST', '/api/configs/backend/odd', { configs: { kind: 'nomad' } });
    assert.equal(bad.status, 400, bad.text);
    assert.equal((await backends()).has('k8s'), false);
  });

  test('after a SIGKILL, each backend re-attaches its own running attempts', async () => {
    const onHost = await submit('default', 'restart-process', `${WHERE}; sleep 6; echo process survived`);
    // Exits 0 only in the image, and only after the restart: COMPLETED says its own backend re-attached it.
    const inImage = await submit(
      'containers',
      'restart-docker',
      '[ ! -e /usr/bin/env ] && echo one && echo two && sleep 6 && echo three',
    );
    for (const id of [onHost, inImage]) {
      await eventually(async () => ((await query(id)).status === 'RUNNING' ? true : null), 60_000);
    }
    await service.kill();
    service = await startServiceProcess({
      dataDir: service.dataDir,
      args: ['--config', join(work, 'pools.json'), '--admin', 'root'],
    });
    // The restarted service listens on another port: log in there again.
    admin = await loginAs(service.url, 'root');
    const [host, image] = [await ended(onHost), await ended(inImage)];
    assert.equal(host.status, 'COMPLETED', JSON.stringify(host));
    assert.equal(image.status, 'COMPLETED', JSON.stringify(image));
    assert.match(await logs(onHost), /where: host\n[^]*process survived/);
    // The container's log is replayed on re-attach: each line once, none lost to the lines before it.
    const printed = (await logs(inImage)).split('\n').filter((l) => / (one|two|three)$/.test(l));
    assert.deepEqual(
      printed.map((l) => l.split(' ').pop()),
      ['one', 'two', 'three'],
      printed.join('\n'),
    );
  });
});
