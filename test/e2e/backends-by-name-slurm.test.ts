// End to end: one service drives its start-up process backend, a Slurm backend declared by name on a
// real one-node cluster and (where Podman runs) a docker backend on Podman's socket, at once, each
// pool's tasks on its own; a controller outage turns the Slurm backend offline with its error on the
// next heartbeat, and its pool's work waits until the controller is back.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  slurmUnavailable,
  startSlurmCluster,
  type SlurmCluster,
} from '../../src/backends/slurm/slurm-fixture.js';
import {
  podmanMissingReason,
  startTestEngine,
  TEST_IMAGE,
  type TestEngine,
} from '../../src/backends/docker/podman-fixture.js';
import type { ServiceProcess } from './harness.js';
import { apiCall, devToken, eventually, loginAs, osmo, startServiceProcess, tempDir } from './harness.js';

const run = promisify(execFile);
const unavailable = slurmUnavailable();
const podmanMissing = podmanMissingReason('the container pool needs');

interface QueryJson {
  status: string;
  pending_reason?: string | null;
  end_time?: string | null;
  groups: { tasks: { node_name: string | null }[] }[];
}
interface BackendJson {
  name: string;
  online: boolean;
  last_error?: string | null;
  running_kind?: string;
}

let cluster: SlurmCluster;
let engine: TestEngine | undefined;
let service: ServiceProcess;
let admin: string;
let token: string;
let work: string;

const poolOn = (backend: string) => ({ backend, default_platform: 'any', platforms: { any: {} } });

async function submit(pool: string, name: string, command: string, image = 'ubuntu'): Promise<string> {
  const file = join(work, `${name}.yaml`);
  await writeFile(
    file,
    `workflow:\n  name: ${name}\n  tasks:\n  - name: main\n    image: ${image}\n    command: ['sh', '-c', ${JSON.stringify(command)}]\n`,
  );
  const r = await osmo(admin, ['workflow', 'submit', file, '--pool', pool]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const id = /Workflow ID\s+-\s+(\S+)/.exec(r.stdout)?.[1];
  assert.ok(id, r.stdout);
  return id;
}

async function query(id: string): Promise<QueryJson> {
  const r = await osmo(admin, ['workflow', 'query', id, '--format-type', 'json']);
  return JSON.parse(r.stdout) as QueryJson;
}

/** The ended workflow, once its last lines have settled (the service's 1.5 s) so logs return. */
const ended = (id: string): Promise<QueryJson> =>
  eventually(async () => {
    const q = await query(id);
    const endedAt = q.end_time ? Date.parse(`${q.end_time.replace(/Z$/, '')}Z`) : 0;
    return /^(COMPLETED|FAILED)/.test(q.status) && Date.now() - endedAt > 2_000 ? q : null;
  }, 120_000);

async function backend(name: string): Promise<BackendJson | undefined> {
  const r = await apiCall(service.url, 'GET', '/api/configs/backend', token);
  return (JSON.parse(r.text) as { backends: BackendJson[] }).backends.find((b) => b.name === name);
}

describe(
  'one service, the process backend, a Slurm backend and a docker backend by name',
  { skip: unavailable ?? false },
  () => {
    before(async () => {
      cluster = await startSlurmCluster({ cpus: 8, name: 'osmobyname' });
      if (podmanMissing === false) engine = await startTestEngine();
      work = await tempDir('backends-slurm');
      const config = join(work, 'pools.json');
      await writeFile(
        config,
        JSON.stringify({
          backends: [
            { name: 'default' },
            { name: 'hpc', description: 'Slurm', kind: 'slurm', slurm: { conf: cluster.conf } },
            ...(engine
              ? [{ name: 'ctr', description: 'Podman', kind: 'docker', docker_host: engine.host }]
              : []),
          ],
          pools: {
            default: poolOn('default'),
            hpc: poolOn('hpc'),
            ...(engine ? { containers: poolOn('ctr') } : {}),
          },
        }),
      );
      // No SLURM_CONF for the service: the backend's own configuration names its cluster.
      service = await startServiceProcess({ args: ['--config', config, '--admin', 'root'] });
      admin = await loginAs(service.url, 'root');
      token = await devToken(service.url, 'root');
    });

    after(async () => {
      await service?.stop();
      await cluster?.stop();
      await engine?.stop();
    });

    test('each pool runs on its own backend: a process here, a Slurm job there', async () => {
      const local = await submit('default', 'by-name-local', 'echo local ran');
      const batch = await submit('hpc', 'by-name-slurm', 'echo slurm ran');
      const [l, b] = [await ended(local), await ended(batch)];
      assert.equal(l.status, 'COMPLETED', JSON.stringify(l));
      assert.equal(b.status, 'COMPLETED', JSON.stringify(b));
      const localLog = (await osmo(admin, ['workflow', 'logs', local])).stdout;
      const batchLog = (await osmo(admin, ['workflow', 'logs', batch])).stdout;
      assert.match(localLog, /runs as a process on this host/);
      assert.match(localLog, /local ran/);
      assert.match(batchLog, /runs as a process on a Slurm node/);
      assert.match(batchLog, /slurm ran/);
      assert.equal(b.groups[0]?.tasks[0]?.node_name, `hpc:${cluster.nodeName}`);
      // Only the Slurm pool's group became a Slurm job.
      const { stdout } = await run('squeue', ['--noheader', '--states=all', '--format=%j|%T'], {
        env: cluster.env,
      });
      const jobs = stdout.split('\n').filter((line) => line.startsWith('osmo-'));
      assert.deepEqual(
        jobs.map((j) => j.split('|')[1]),
        ['COMPLETED'],
        stdout,
      );
      assert.equal((await backend('hpc'))?.running_kind, 'slurm');
    });

    test(
      'at the same time, a third pool runs in containers on its docker backend',
      { skip: podmanMissing },
      async () => {
        // Busybox has no /usr: the task finds itself in the image, not on this host or a Slurm node.
        const check = 'if [ -e /usr/bin/env ]; then echo "where: host"; else echo "where: image"; fi';
        const ids = [
          await submit('default', 'three-local', check),
          await submit('hpc', 'three-slurm', check),
          await submit('containers', 'three-ctr', check, TEST_IMAGE),
        ];
        const runs = await Promise.all(ids.map(ended));
        for (const q of runs) assert.equal(q.status, 'COMPLETED', JSON.stringify(q));
        const logs = await Promise.all(
          ids.map(async (id) => (await osmo(admin, ['workflow', 'logs', id])).stdout),
        );
        assert.match(logs[0] ?? '', /runs as a process on this host[^]*where: host/);
        assert.match(logs[1] ?? '', /runs as a process on a Slurm node[^]*where: host/);
        assert.match(logs[2] ?? '', /where: image/);
        assert.equal(runs[1]?.groups[0]?.tasks[0]?.node_name, `hpc:${cluster.nodeName}`);
        assert.match(runs[2]?.groups[0]?.tasks[0]?.node_name ?? '', /^ctr:/);
        for (const name of ['default', 'hpc', 'ctr']) assert.equal((await backend(name))?.online, true, name);
      },
    );

    test('a controller outage shows the Slurm backend offline; its pool waits, then runs when it is back', async () => {
      await cluster.stopController();
      const down = await eventually(async () => {
        const b = await backend('hpc');
        return b?.online === false ? b : null;
      }, 40_000);
      assert.ok((down.last_error ?? '').length > 0, JSON.stringify(down));
      assert.match((await osmo(admin, ['backend', 'list'])).stdout, /hpc\s+Slurm\s+OFFLINE/);
      const id = await submit('hpc', 'waits-for-slurm', 'echo after the outage');
      const waiting = await eventually(async () => {
        const q = await query(id);
        return q.pending_reason ? q : null;
      });
      assert.equal(waiting.status, 'PENDING');
      assert.match(waiting.pending_reason ?? '', /^backend hpc is offline: .+; pool hpc waits for it$/);
      // Work on the other backend goes on meanwhile.
      const local = await submit('default', 'during-outage', 'echo meanwhile');
      assert.equal((await ended(local)).status, 'COMPLETED');

      await cluster.startController();
      const done = await ended(id);
      assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
      assert.match((await osmo(admin, ['workflow', 'logs', id])).stdout, /after the outage/);
      assert.equal((await backend('hpc'))?.online, true);
    });
  },
);
