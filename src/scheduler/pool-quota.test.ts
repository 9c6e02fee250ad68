import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodeSets } from './eligibility.js';
import { guaranteeViolation, poolQuotaReport } from './pool-quota.js';
import type { Priority } from '../core/index.js';
import type { NodeCapacity, PoolShape, RunningAttempt } from './snapshot.js';

const node = (name: string, labels: Record<string, string>, gpu = 8): NodeCapacity => ({
  name,
  cpu: 64,
  memoryBytes: 1,
  gpu,
  backend: 'b',
  labels,
});
const pool = (name: string, labels: Record<string, string>, guarantee = -1): PoolShape => ({
  name,
  backend: 'b',
  platforms: [{ name: 'x', labels }],
  gpu: { guarantee, maximum: -1, weight: 1 },
});
const attempt = (
  poolName: string,
  nodeName: string,
  gpu: number,
  priority: Priority,
  running = true,
): RunningAttempt => ({
  node: nodeName,
  pool: poolName,
  gpu,
  cpu: 1,
  memoryBytes: 1,
  gpuIndices: [],
  priority,
  running,
});

const nodes = [
  node('n1', { zone: 'east', kind: 'h100' }),
  node('n2', { zone: 'east' }),
  node('n3', { zone: 'west' }),
];
const pools = [
  pool('east-a', { zone: 'east' }, 8),
  pool('east-b', { kind: 'h100' }),
  pool('west', { zone: 'west' }, 4),
  pool('empty', { zone: 'none' }),
];

test('pools sharing a node (transitively) form one node set; pools without nodes share an empty one', () => {
  assert.deepEqual(nodeSets(pools, nodes), [
    { pools: ['east-a', 'east-b'], nodes: ['n1', 'n2'] },
    { pools: ['west'], nodes: ['n3'] },
    { pools: ['empty'], nodes: [] },
  ]);
});

const table: ReadonlyArray<
  [string, RunningAttempt[], Record<string, [number, number, number, number, number, number]>]
> = [
  [
    'idle',
    [],
    {
      'east-a': [0, 8, 8, 0, 16, 16],
      'east-b': [0, 16, 16, 0, 16, 16],
      west: [0, 4, 4, 0, 8, 8],
      empty: [0, 0, 0, 0, 0, 0],
    },
  ],
  [
    'only RUNNING HIGH/NORMAL count toward quota; LOW counts only in total usage; placed work uses free GPUs',
    [
      attempt('east-a', 'n1', 4, 'NORMAL'),
      attempt('east-a', 'n2', 2, 'LOW'),
      attempt('east-b', 'n2', 2, 'HIGH', false),
      attempt('west', 'n3', 6, 'HIGH'),
    ],
    {
      'east-a': [4, 4, 8, 6, 16, 8],
      'east-b': [0, 16, 16, 0, 16, 8],
      west: [6, -2, 4, 6, 8, 2],
      empty: [0, 0, 0, 0, 0, 0],
    },
  ],
];

for (const [name, attempts, want] of table) {
  test(`quota report: ${name}`, () => {
    const report = poolQuotaReport(pools, nodes, attempts);
    for (const set of report.nodeSets) {
      for (const p of set.pools) {
        const u = p.usage;
        assert.deepEqual(
          [u.quotaUsed, u.quotaFree, u.quotaLimit, u.totalUsage, u.totalCapacity, u.totalFree],
          want[p.name],
          p.name,
        );
      }
    }
    const capacityOnce = 16 + 8;
    assert.equal(report.sum.totalCapacity, capacityOnce);
  });
}

test('GPU guarantee check at submit', () => {
  assert.equal(guaranteeViolation(pools[2] as PoolShape, [{ name: 'g', gpu: 4 }]), null);
  assert.equal(
    guaranteeViolation(pools[2] as PoolShape, [{ name: 'g', gpu: 5 }]),
    'Pool west has 4 GPUs guaranteed for NORMAL/HIGH priority workflows and group g requires 5 GPUs. Higher gpu counts must be submitted with LOW priority',
  );
  assert.equal(guaranteeViolation(pools[1] as PoolShape, [{ name: 'g', gpu: 500 }]), null);
});
