import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Priority } from '../core/index.js';
import { planDispatch, planSnapshot, taskNeverFits } from './dispatch.js';
import type { NodeCapacity, PoolShape, QueuedGroup, RunningAttempt } from './snapshot.js';

const GiB = 1024 ** 3;
const node = (name: string, gpu = 8, labels: Record<string, string> = {}): NodeCapacity => ({
  name,
  cpu: 64,
  memoryBytes: 512 * GiB,
  gpu,
  backend: 'b',
  labels,
});
const group = (
  key: string,
  gpus: number[],
  priority: Priority = 'NORMAL',
  at = 0,
  extra: { pool?: string; platform?: string; nodesExcluded?: string[] } = {},
): QueuedGroup => ({
  key,
  priority,
  submitTime: new Date(at),
  ...(extra.pool ? { pool: extra.pool } : {}),
  tasks: gpus.map((gpu, i) => ({
    key: `${key}/${i}`,
    cpu: 1,
    memoryBytes: GiB,
    gpu,
    platform: extra.platform ?? null,
    nodesExcluded: extra.nodesExcluded ?? [],
  })),
});
const pool = (
  name: string,
  guarantee = -1,
  platforms: Record<string, Record<string, string>> = {},
  maximum = -1,
): PoolShape => ({
  name,
  backend: 'b',
  platforms: Object.entries(platforms).map(([n, labels]) => ({ name: n, labels })),
  gpu: { guarantee, maximum, weight: 1 },
});
const run = (
  key: string,
  nodeName: string,
  gpuIndices: number[],
  priority: Priority,
  poolName = 'p',
): RunningAttempt => ({
  key,
  node: nodeName,
  gpuIndices,
  gpu: gpuIndices.length,
  cpu: 1,
  memoryBytes: GiB,
  priority,
  pool: poolName,
  running: true,
});

interface Case {
  readonly name: string;
  readonly pools: PoolShape[];
  readonly nodes: NodeCapacity[];
  readonly running?: RunningAttempt[];
  readonly queue: QueuedGroup[];
  readonly launch: string[];
  readonly preempt?: string[];
  readonly reasons?: Record<string, RegExp>;
}

const cases: Case[] = [
  {
    name: 'priority order HIGH > NORMAL > LOW, FIFO within a class',
    pools: [pool('p')],
    nodes: [node('a', 8)],
    queue: [
      group('low', [4], 'LOW', 0),
      group('n2', [4], 'NORMAL', 2),
      group('n1', [4], 'NORMAL', 1),
      group('hi', [4], 'HIGH', 3),
    ],
    launch: ['hi', 'n1'],
    reasons: { n2: /behind 2 group/, low: /behind 3 higher-priority group/ },
  },
  {
    name: 'gang: a group starts with all its tasks or none; smaller work behind it backfills',
    pools: [pool('p')],
    nodes: [node('a', 8)],
    queue: [group('big', [4, 4, 4], 'NORMAL', 0), group('small', [2], 'NORMAL', 1)],
    launch: ['small'],
    reasons: { big: /the group needs 12, 8 free/ },
  },
  {
    name: 'quota: HIGH/NORMAL stop at the guarantee, counting only HIGH/NORMAL work',
    pools: [pool('p', 8)],
    nodes: [node('a', 8), node('c', 8)],
    running: [run('r1', 'a', [0, 1, 2, 3, 4, 5], 'NORMAL'), run('r2', 'c', [0, 1, 2, 3], 'LOW')],
    queue: [group('n', [4], 'NORMAL', 0), group('fits', [2], 'NORMAL', 1)],
    launch: ['fits'],
    reasons: { n: /quota used up: 6 of 8 guaranteed GPUs in use by HIGH\/NORMAL work, the group needs 4/ },
  },
  {
    name: 'guarantee -1: no quota limit, only capacity',
    pools: [pool('p', -1)],
    nodes: [node('a', 8)],
    running: [run('r1', 'a', [0, 1, 2, 3], 'NORMAL')],
    queue: [group('n', [4], 'NORMAL', 0)],
    launch: ['n'],
  },
  {
    name: 'LOW bypasses quota and runs on idle GPUs',
    pools: [pool('p', 0)],
    nodes: [node('a', 8)],
    queue: [group('l', [8], 'LOW', 0), group('n', [1], 'NORMAL', 1)],
    launch: ['l'],
    reasons: { n: /quota used up: 0 of 0/ },
  },
  {
    name: 'maximum caps every priority',
    pools: [pool('p', -1, {}, 4)],
    nodes: [node('a', 8)],
    running: [run('r1', 'a', [0, 1, 2], 'LOW')],
    queue: [group('l', [2], 'LOW', 0)],
    launch: [],
    reasons: { l: /at its maximum of 4 GPUs/ },
  },
  {
    name: 'preemption: HIGH within quota evicts the newest LOW work it needs, and reserves the space',
    pools: [pool('p', 8)],
    nodes: [node('a', 8)],
    running: [run('old', 'a', [0, 1, 2, 3], 'LOW'), run('new', 'a', [4, 5, 6, 7], 'LOW')],
    queue: [group('hi', [4], 'HIGH', 5), group('l2', [1], 'LOW', 6)],
    launch: [],
    preempt: ['new'],
    reasons: { hi: /stopping 1 LOW-priority task/ },
  },
  {
    name: 'preemption: attempts already stopping are not preempted twice',
    pools: [pool('p', 8)],
    nodes: [node('a', 8)],
    running: [{ ...run('x', 'a', [0, 1, 2, 3, 4, 5, 6, 7], 'LOW'), stopping: true }],
    queue: [group('hi', [8], 'HIGH', 5)],
    launch: [],
    preempt: [],
  },
  {
    name: 'LOW never preempts',
    pools: [pool('p')],
    nodes: [node('a', 8)],
    running: [run('x', 'a', [0, 1, 2, 3, 4, 5, 6, 7], 'LOW')],
    queue: [group('l', [4], 'LOW', 5)],
    launch: [],
    preempt: [],
  },
  {
    name: 'platform matching: tasks only land on nodes carrying the platform labels',
    pools: [pool('p', -1, { h100: { gpu: 'h100' }, cpu: { kind: 'cpu' } })],
    nodes: [node('cpu1', 0, { kind: 'cpu' }), node('g1', 8, { gpu: 'h100' })],
    queue: [
      group('g', [0], 'NORMAL', 0, { platform: 'h100' }),
      group('x', [1], 'NORMAL', 1, { platform: 'cpu' }),
    ],
    launch: ['g'],
    reasons: { x: /needs more than any node of platform cpu of pool p/ },
  },
  {
    name: 'no node of the platform',
    pools: [pool('p', -1, { a100: { gpu: 'a100' } })],
    nodes: [node('g1', 8, { gpu: 'h100' })],
    queue: [group('g', [1], 'NORMAL', 0, { platform: 'a100' })],
    launch: [],
    reasons: { g: /no node of platform a100 of pool p/ },
  },
  {
    name: 'nodesExcluded keeps a task off the named nodes',
    pools: [pool('p')],
    nodes: [node('a', 8), node('c', 8)],
    queue: [group('g', [1], 'NORMAL', 0, { nodesExcluded: ['a', 'c'] })],
    launch: [],
    reasons: { g: /every node of pool p is excluded/ },
  },
  {
    name: 'shared node set: two pools compete for the same nodes, each within its own quota',
    pools: [pool('p1', 8, { all: {} }), pool('p2', 8, { all: {} })],
    nodes: [node('a', 8)],
    queue: [group('one', [6], 'NORMAL', 0, { pool: 'p1' }), group('two', [4], 'NORMAL', 1, { pool: 'p2' })],
    launch: ['one'],
    reasons: { two: /waiting behind 1 group|not enough free GPUs/ },
  },
];

for (const c of cases) {
  test(`planSnapshot: ${c.name}`, () => {
    const plan = planSnapshot({ pools: c.pools, nodes: c.nodes, running: c.running ?? [], queue: c.queue });
    assert.deepEqual(
      plan.launch.map((l) => l.groupKey),
      c.launch,
    );
    if (c.preempt)
      assert.deepEqual(
        plan.preempt.map((p) => p.attemptKey),
        c.preempt,
      );
    for (const [key, pattern] of Object.entries(c.reasons ?? {})) {
      const w = plan.waiting.find((x) => x.groupKey === key);
      assert.ok(w, `${key} should wait`);
      assert.match(w.reason, pattern);
    }
  });
}

test('a reservation for preemption keeps LOW work behind it off the freed space', () => {
  const plan = planSnapshot({
    pools: [pool('p', 8)],
    nodes: [node('a', 8)],
    running: [run('l1', 'a', [0, 1, 2, 3, 4, 5], 'LOW')],
    queue: [group('hi', [4], 'HIGH', 1), group('l2', [2], 'LOW', 2)],
  });
  assert.deepEqual(
    plan.preempt.map((p) => p.attemptKey),
    ['l1'],
  );
  assert.deepEqual(plan.launch, []);
});

test('GPU indices are never shared with running attempts', () => {
  const plan = planDispatch([group('g', [2, 2])], [node('a', 8)], [run('r', 'a', [0, 1, 4], 'NORMAL')]);
  assert.deepEqual(
    plan.launch[0]?.tasks.map((t) => t.gpuIndices),
    [
      [2, 3],
      [5, 6],
    ],
  );
});

test('estimated start: the deadline by which enough GPUs end', () => {
  const deadline = new Date('2030-01-01T00:00:00Z');
  const plan = planSnapshot({
    pools: [pool('p')],
    nodes: [node('a', 8)],
    running: [{ ...run('r', 'a', [0, 1, 2, 3, 4, 5, 6, 7], 'NORMAL'), deadline }],
    queue: [group('g', [4])],
  });
  assert.equal(plan.waiting[0]?.estimatedStart?.toISOString(), deadline.toISOString());
});

test('taskNeverFits compares against the largest single node', () => {
  assert.equal(taskNeverFits({ cpu: 1, memoryBytes: GiB, gpu: 9 }, [node('a', 8), node('c', 8)]), true);
  assert.equal(taskNeverFits({ cpu: 1, memoryBytes: GiB, gpu: 8 }, [node('a', 8)]), false);
});

test('planSnapshot: a pool whose backend is down waits for it, with the reason, while another pool runs', () => {
  const down: PoolShape = { ...pool('p'), backendUnavailable: 'backend b is offline: engine gone' };
  const plan = planSnapshot({
    pools: [down, { ...pool('q'), backend: 'c' }],
    nodes: [node('a', 8), { ...node('c1', 8), backend: 'c' }],
    running: [],
    queue: [group('g', [1], 'NORMAL', 0, { pool: 'p' }), group('h', [1], 'NORMAL', 1, { pool: 'q' })],
  });
  assert.deepEqual(
    plan.launch.map((l) => [l.groupKey, l.tasks.map((t) => t.node)]),
    [['h', ['c1']]],
  );
  assert.deepEqual(
    plan.waiting.map((w) => [w.groupKey, w.kind, w.reason]),
    [['g', 'offline', 'backend b is offline: engine gone; pool p waits for it']],
  );
});
