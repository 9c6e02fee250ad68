// On real containers: a platform's host mounts are mounted, and a rescheduled task takes its group with it.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  podmanMissingReason,
  startTestEngine,
  listenOnce,
  TEST_IMAGE,
  type TestEngine,
} from '../../src/backends/docker/podman-fixture.js';
import type { ServiceProcess } from './harness.js';
import { eventually, loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

const podmanMissing = podmanMissingReason('host mounts need');
// Containers are named after workflows: names of their own keep runs on one engine apart.
const RUN = Date.now().toString(36);

let engine: TestEngine;
let service: ServiceProcess;
let dir: string;
let user: string;

describe('host mounts and group reschedules on the container backend', { skip: podmanMissing }, () => {
  let shared: string;
  let tools: string;

  before(async () => {
    dir = await tempDir('mounts');
    shared = join(dir, 'shared');
    tools = join(dir, 'tools');
    await mkdir(shared);
    await mkdir(tools);
    await writeFile(join(tools, 'version'), 'tools-1.2\n');
    const config = {
      backends: [{ name: 'local' }],
      workflow: { max_retry_per_task: 1 },
      pools: {
        default: {
          backend: 'local',
          default_platform: 'cpu',
          platforms: { cpu: { allowed_mounts: [shared], default_mounts: [tools] } },
        },
      },
    };
    const configFile = join(dir, 'osmo.json');
    await writeFile(configFile, JSON.stringify(config));
    engine = await startTestEngine();
    service = await startServiceProcess({
      args: ['--backend', 'docker', '--docker-host', engine.host, '--config', configFile],
    });
    user = await loginAs(service.url, 'mona');
  });

  after(async () => {
    await service?.stop();
    await engine?.stop();
    for (const d of [service?.dataDir, user, dir]) if (d) await removeDir(d);
  });

  interface Query {
    status: string;
    groups: { tasks: { name: string; retry_id: number; status: string }[] }[];
  }
  const submitAndWait = async (file: string): Promise<{ id: string; query: Query }> => {
    const r = await osmo(user, ['workflow', 'submit', file]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const id = /Workflow ID\s+-\s+(\S+)/.exec(r.stdout)?.[1] ?? '';
    const query = await eventually(async () => {
      const q = JSON.parse((await osmo(user, ['workflow', 'query', id, '-t', 'json'])).stdout) as Query;
      return /^(COMPLETED|FAILED)/.test(q.status) ? q : null;
    }, 90_000);
    return { id, query };
  };

  const specFile = async (name: string, mount: string, command: string): Promise<string> => {
    const file = join(dir, `${name}.yaml`);
    await writeFile(
      file,
      `workflow:\n  name: ${name}\n  tasks:\n    - name: t\n      image: ${TEST_IMAGE}\n` +
        `      command: ['sh', '-c', '${command}']\n      volumeMounts: ['${mount}']\n`,
    );
    return file;
  };

  test('an allowed mount is read-write at its destination; the default mount is there too', async () => {
    const file = await specFile(`mounted-${RUN}`, `${shared}:/data`, `cat ${tools}/version > /data/out.txt`);
    const { id, query } = await submitAndWait(file);
    assert.equal(query.status, 'COMPLETED', (await osmo(user, ['workflow', 'logs', id])).stdout);
    assert.equal(await readFile(join(shared, 'out.txt'), 'utf8'), 'tools-1.2\n');
  });

  test('a mount the platform does not allow is refused at submit', async () => {
    const file = await specFile('refused', `${dir}:/data`, 'true');
    const r = await osmo(user, ['workflow', 'submit', file]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.ok(r.stdout.includes(`Task with platform: cpu does not allow mount: ${dir}. Task t`), r.stdout);
  });

  const pairSpec = async (name: string, serverScript: string): Promise<string> => {
    const file = join(dir, `${name}.yaml`);
    await writeFile(
      file,
      `workflow:
  name: ${name}
  groups:
    - name: pair
      tasks:
        - name: client
          image: ${TEST_IMAGE}
          command: ['sh', '-c', 'until echo ping | nc {{host:server}} 7070; do sleep 0.2; done']
        - name: server
          image: ${TEST_IMAGE}
          lead: true
          exitActions:
            RESCHEDULE: '42'
          volumeMounts: ['${shared}:/data']
          command: ['sh', '-c', '${serverScript}']
`,
    );
    return file;
  };
  const attempts = (q: Query): string[] =>
    q.groups.flatMap((g) => g.tasks.map((t) => `${t.name}/${t.retry_id}/${t.status}`)).sort();

  test('a task rescheduled by its exit action reschedules its group: the peers meet again', async () => {
    // The first server attempt leaves a mark on the shared mount and asks to be rescheduled.
    const script = `if [ ! -e /data/first ]; then touch /data/first; exit 42; fi; echo "received: $(${listenOnce(7070)})"`;
    const { id, query } = await submitAndWait(await pairSpec(`regroup-${RUN}`, script));
    const logs = (await osmo(user, ['workflow', 'logs', id])).stdout;
    assert.equal(query.status, 'COMPLETED', `${JSON.stringify(query)}\n${logs}`);
    assert.match(logs, /received: ping/);
    const latest = attempts(query).filter((a) => !a.includes('/0/'));
    assert.deepEqual(latest, ['client/1/COMPLETED', 'server/1/COMPLETED'], attempts(query).join(' '));
    const events = (await osmo(user, ['workflow', 'events', id])).stdout;
    assert.match(events, /Rescheduled with its group: task server was rescheduled/);
  });

  test('the group is rescheduled no more often than max_retry_per_task allows', async () => {
    const { query } = await submitAndWait(await pairSpec(`regroup-limit-${RUN}`, 'exit 42'));
    assert.equal(query.status, 'FAILED', JSON.stringify(query));
    const latest = attempts(query).filter((a) => !a.includes('/0/'));
    assert.deepEqual(latest, ['client/1/FAILED', 'server/1/FAILED'], attempts(query).join(' '));
  });
});
