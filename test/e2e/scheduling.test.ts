// End to end: pools sharing declared 8-GPU nodes, resources, pool access by role, quota and why work waits, LOW preemption, submit-time table, config changes.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ServiceProcess } from './harness.js';
import { eventually, loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

const GiB = 1024 ** 3;
const node = (name: string, labels: Record<string, string>) => ({
  name,
  cpu: 64,
  memoryBytes: 256 * GiB,
  gpu: 8,
  labels,
});
const CONFIG = {
  backends: [{ name: 'local', nodes: [node('n1', { zone: 'a' }), node('n2', { zone: 'a' })] }],
  pools: {
    research: {
      description: 'Research',
      backend: 'local',
      default_platform: 'gpu',
      resources: { gpu: { guarantee: 8, maximum: -1, weight: 1 } },
      default_exit_actions: { RESCHEDULE: '3006' },
      max_retry_per_task: 2,
      platforms: { gpu: { labels: { zone: 'a' } } },
    },
    batch: {
      description: 'Batch',
      backend: 'local',
      default_platform: 'gpu',
      resources: { gpu: { guarantee: 4, maximum: -1, weight: 1 } },
      platforms: { gpu: { labels: { zone: 'a' } } },
    },
  },
};

let service: ServiceProcess;
let dir: string;
let admin: string;
let alice: string;

const spec = async (name: string, gpus: number[], seconds = 60): Promise<string> => {
  const file = join(dir, `${name}.yaml`);
  const tasks = gpus
    .map(
      (g, i) =>
        `    - name: t${i}\n      image: none\n      command: ["sleep", "${seconds}"]\n      resource: r${g}${i === 0 && gpus.length > 1 ? '\n      lead: true' : ''}`,
    )
    .join('\n');
  const resources = [...new Set(gpus)]
    .map((g) => `    r${g}:\n      gpu: ${g}\n      cpu: 1\n      memory: 1Gi`)
    .join('\n');
  await writeFile(
    file,
    `workflow:\n  name: ${name}\n  resources:\n${resources}\n  groups:\n  - name: g\n    tasks:\n${tasks}\n`,
  );
  return file;
};
const submit = async (who: string, file: string, ...args: string[]): Promise<string> => {
  const r = await osmo(who, ['workflow', 'submit', file, ...args]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const m = /Workflow ID\s+-\s+(\S+)/.exec(r.stdout);
  assert.ok(m?.[1]);
  return m[1];
};
const query = async (
  id: string,
): Promise<{ status: string; groups: { tasks: { name: string; status: string; retry_id: number }[] }[] }> =>
  JSON.parse((await osmo(admin, ['workflow', 'query', id, '-t', 'json'])).stdout);
const statusIs = (id: string, want: string) =>
  eventually(async () => ((await query(id)).status === want ? true : null), 30_000);

before(async () => {
  dir = await tempDir('sched');
  const configFile = join(dir, 'osmo.yaml');
  await writeFile(configFile, JSON.stringify(CONFIG));
  service = await startServiceProcess({ args: ['--config', configFile, '--admin', 'root'] });
  admin = await loginAs(service.url, 'root');
  alice = await loginAs(service.url, 'alice');
});
after(async () => {
  await service.stop();
  await removeDir(dir);
});

test('pool list: two pools sharing nodes form one node set with (shared) and a totals row', async () => {
  const r = await osmo(admin, ['pool', 'list']);
  assert.equal(r.code, 0, r.stdout);
  const lines = r.stdout.split('\n').map((l) => l.trimEnd());
  assert.match(lines[0] ?? '', /^Pool\s+Description\s+Status\s+GPU \[#\]$/);
  assert.match(lines[1] ?? '', /^\s+Quota Used\s+Quota Limit\s+Total Usage\s+Total Capacity$/);
  assert.match(lines[3] ?? '', /^batch\s+Batch\s+ONLINE\s+0\s+4\s+0\s+16$/);
  assert.match(lines[4] ?? '', /^research\s+Research\s+ONLINE\s+0\s+8\s+0\s+16 \(shared\)$/);
  assert.match(lines[6] ?? '', /^\s+0\s+12\s+0\s+16$/);
  const json = JSON.parse((await osmo(admin, ['pool', 'list', '-t', 'json'])).stdout);
  assert.equal(json.node_sets.length, 1);
  assert.equal(json.resource_sum.total_capacity, '16');
});

test('resource list and info: both nodes under both pools, used/capacity cells, totals counted per node', async () => {
  const r = await osmo(admin, ['resource', 'list', '-p', 'batch', 'research']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const lines = r.stdout.split('\n').map((l) => l.trimEnd());
  assert.match(
    lines[0] ?? '',
    /^Node\s+Pool\s+Platform\s+Type\s+Storage \[Gi\]\s+CPU \[#\]\s+Memory \[Gi\]\s+GPU \[#\]$/,
  );
  assert.match(lines[2] ?? '', /^n1\s+batch\s+gpu\s+SHARED\s+0\s+0\/64\s+0\/256\s+0\/8$/);
  assert.match(lines[3] ?? '', /^\s+research\s+gpu\s+0\s+0\/64\s+0\/256\s+0\/8$/);
  assert.match(lines[4] ?? '', /^n2\s+batch\s+gpu\s+SHARED/);
  assert.match(lines[7] ?? '', /^\s+0\/0\s+0\/128\s+0\/512\s+0\/16$/);
  const free = await osmo(admin, ['resource', 'list', '-p', 'batch', '--mode', 'free', '-t', 'text']);
  assert.match(free.stdout, /n1\s+batch\s+gpu\s+SHARED\s+0\s+64\s+256\s+8/);
  const json = JSON.parse((await osmo(admin, ['resource', 'list', '-p', 'research', '-t', 'json'])).stdout);
  assert.deepEqual(json.resources[0].pool_platform_labels, { research: ['gpu'] });
  const missing = await osmo(admin, ['resource', 'list', '-p', 'nope']);
  assert.equal(missing.code, 2);
  assert.match(missing.stdout, /Pool nope does not exist!/);
  const info = await osmo(admin, ['resource', 'info', 'n1', '-p', 'research', '-pl', 'gpu']);
  assert.equal(info.code, 0, info.stdout + info.stderr);
  assert.match(
    info.stdout,
    /Resource Name: n1\n\nPool Specification:\n\nPool\s+Platform\s*\n=+\nbatch\s+gpu\s*\nresearch\s+gpu/,
  );
  assert.match(
    info.stdout,
    /\* \(Using configuration for research\/gpu\):\nResource Capacity\n-+\nstorage: 0Gi\ncpu: 64\nmemory: 256Gi\ngpu: 8\n/,
  );
  assert.match(
    (await osmo(admin, ['resource', 'info', 'n1', '-p', 'batch'])).stdout,
    /^Pool and platform must be specified at the same time\.\n$/,
  );
});

test('a non-admin sees only the pools its roles allow; config set ROLE stores a generated pool role with history', async () => {
  const denied = await osmo(alice, ['config', 'set', 'ROLE', 'osmo-batch', 'pool']);
  assert.notEqual(denied.code, 0);
  const set = await osmo(admin, [
    'config',
    'set',
    'ROLE',
    'osmo-batch',
    'pool',
    '--description',
    'batch users',
  ]);
  assert.equal(set.code, 0, set.stdout + set.stderr);
  assert.match(set.stdout, /Successfully set ROLE config "osmo-batch"/);
  const shown = JSON.parse((await osmo(admin, ['config', 'show', 'ROLE', 'osmo-batch'])).stdout);
  assert.deepEqual(shown.policies, [
    { effect: 'Allow', actions: ['workflow:*'], resources: ['pool/batch*'] },
  ]);
  assert.match(
    (await osmo(admin, ['config', 'history', 'ROLE'])).stdout,
    /ROLE\s+osmo-batch\s+\d+\s+root\s+.*batch users/,
  );
  const created = await osmo(admin, ['user', 'create', 'carol', '--roles', 'osmo-user', 'osmo-batch']);
  assert.equal(created.code, 0, created.stdout + created.stderr);
  const carol = await loginAs(service.url, 'carol');
  const pools = JSON.parse((await osmo(carol, ['pool', 'list', '-t', 'json'])).stdout);
  assert.deepEqual(
    pools.node_sets.flatMap((s: { pools: { name: string }[] }) => s.pools.map((p) => p.name)),
    ['batch'],
  );
  assert.match((await osmo(carol, ['profile', 'list'])).stdout, /accessible:\n {4}- batch\nroles:/);
  // No default pool in the profile: the only visible pool is used.
  const resources = await osmo(carol, ['resource', 'list']);
  assert.equal(resources.code, 0, resources.stdout);
  assert.doesNotMatch(resources.stdout, /research/);
  assert.match(resources.stdout, /n2\s+batch\s+gpu/);
  assert.equal((await osmo(alice, ['pool', 'list'])).stdout, 'No pools available\n');
});

test('a group that fits no node is rejected at submit with the capacity table', async () => {
  const r = await osmo(admin, [
    'workflow',
    'submit',
    await spec('huge', [16]),
    '--pool',
    'research',
    '--priority',
    'LOW',
  ]);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stdout, /Resource validation failed for task: t0/);
  assert.match(r.stdout, /node\s+pool\/platform\s+storage\s+cpu\s+memory\s+gpu\s+cuda-driver\s+reason/);
  assert.match(r.stdout, /n1\s+\['batch\/gpu', 'research\/gpu'\].*GPU value 16 too high for GPU/);
  const g = await osmo(admin, ['workflow', 'submit', await spec('over', [8]), '--pool', 'batch']);
  assert.match(
    g.stdout,
    /Pool batch has 4 GPUs guaranteed for NORMAL\/HIGH priority workflows and group g requires 8 GPUs/,
  );
});

test('quota queues NORMAL work and says why; LOW runs on idle GPUs, is preempted by HIGH and rescheduled', async () => {
  const first = await submit(admin, await spec('quota-a', [4]), '--pool', 'batch');
  await statusIs(first, 'RUNNING');
  const second = await submit(admin, await spec('quota-b', [4]), '--pool', 'batch');
  const events = await eventually(async () => {
    const e = await osmo(admin, ['workflow', 'events', second]);
    return /quota used up: 4 of 4 guaranteed GPUs/.test(e.stdout) ? e.stdout : null;
  });
  assert.match(events, /Pending/);
  assert.equal((await query(second)).status, 'PENDING');
  const pending = await osmo(admin, ['workflow', 'query', second]);
  assert.match(pending.stdout, /Waiting {5}: pool batch quota used up: 4 of 4 guaranteed GPUs/);
  assert.match(JSON.stringify(await query(second)), /"pending_reason":"pool batch quota used up/);
  const dry = await osmo(admin, [
    'workflow',
    'submit',
    await spec('quota-c', [4]),
    '--pool',
    'batch',
    '--dry-run',
  ]);
  assert.match(dry.stdout, /Would wait: pool batch quota used up/);

  const low = await submit(admin, await spec('low', [4, 4]), '--pool', 'research', '--priority', 'LOW');
  await statusIs(low, 'RUNNING');
  const high = await submit(admin, await spec('high', [8]), '--pool', 'research', '--priority', 'HIGH');
  await statusIs(high, 'RUNNING');
  const q = await eventually(async () => {
    const tasks = (await query(low)).groups.flatMap((g) => g.tasks);
    return tasks.some((t) => t.retry_id === 1) ? tasks : null;
  });
  assert.ok(q.some((t) => t.retry_id === 1));
  const lowEvents = (await osmo(admin, ['workflow', 'events', low])).stdout;
  assert.match(lowEvents, /Pod was preempted at/);
  for (const id of [first, second, low, high]) await osmo(admin, ['workflow', 'cancel', id]);
});

test('config update POOL takes effect without a restart, shows in history; non-admins get 403', async () => {
  const file = join(dir, 'batch.json');
  await writeFile(
    file,
    JSON.stringify({
      ...CONFIG.pools.batch,
      name: 'batch',
      resources: { gpu: { guarantee: 12, maximum: -1, weight: 1 } },
    }),
  );
  const denied = await osmo(alice, ['config', 'update', 'POOL', 'batch', '-f', file, '-d', 'more']);
  assert.notEqual(denied.code, 0);
  assert.match(denied.stdout, /403|access|denied|forbidden/i);
  const ok = await osmo(admin, [
    'config',
    'update',
    'POOL',
    'batch',
    '-f',
    file,
    '-d',
    'raise batch guarantee',
  ]);
  assert.equal(ok.code, 0, ok.stdout);
  assert.match(ok.stdout, /Successfully updated POOL config/);
  const pools = await osmo(admin, ['pool', 'list', '-p', 'batch', '-t', 'json']);
  assert.equal(JSON.parse(pools.stdout).node_sets[0].pools[0].resource_usage.quota_limit, '12');
  const history = await osmo(admin, ['config', 'history', 'POOL']);
  assert.match(history.stdout, /POOL\s+batch\s+\d+\s+root\s+.*raise batch guarantee/);
});
