// The web UI's pure logic, run under Node: occupancy folding, app default values, dataset names, --set values.
// (The live page's stream and back-off are tested with Vitest beside the code, in web/src.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultValues, parseValues } from '../../web/src/submit-values.js';
import { parseDatasetRef } from '../../web/src/dataset-ref.js';
import { groupUsage, totalUsage } from '../../web/src/occupancy.js';
import type { UsageRow } from '../../web/src/occupancy.js';

const row = (user: string, pool: string, priority: UsageRow['priority'], gpu: number): UsageRow => ({
  user,
  pool,
  priority,
  gpu,
  cpu: gpu * 2,
  memory: gpu * 10,
  storage: 1,
});

test('occupancy folds user × pool × priority rows into pools with users, most GPUs first', () => {
  const rows = [
    row('ann', 'a100', 'HIGH', 2),
    row('ann', 'a100', 'LOW', 1),
    row('bob', 'a100', 'NORMAL', 4),
    row('bob', 'h100', 'NORMAL', 8),
  ];
  const byPool = groupUsage(rows, 'pool');
  assert.deepEqual(
    byPool.map((g) => [g.name, g.gpu, g.children.map((c) => [c.name, c.gpu])]),
    [
      ['h100', 8, [['bob', 8]]],
      [
        'a100',
        7,
        [
          ['bob', 4],
          ['ann', 3],
        ],
      ],
    ],
  );
  assert.deepEqual(byPool[1]?.gpuByPriority, { HIGH: 2, NORMAL: 4, LOW: 1 });
  const byUser = groupUsage(rows, 'user');
  assert.deepEqual(
    byUser.map((g) => [g.name, g.gpu, g.cpu, g.storage]),
    [
      ['bob', 12, 24, 2],
      ['ann', 3, 6, 2],
    ],
  );
  assert.equal(totalUsage(rows).memory, 150);
  assert.deepEqual(groupUsage([], 'pool'), []);
});

test('an app spec’s default-values keys are read from its own section only', () => {
  const spec = `workflow:
  name: greet
  tasks:
  - name: hello
    command: [echo, '{{who}}']
default-values:
  who: world   
  # a comment
  nested:
    deep: 1
  count: 3
other: x
`;
  assert.deepEqual(defaultValues(spec), [
    ['who', 'world'],
    ['nested', ''],
    ['count', '3'],
  ]);
  assert.deepEqual(defaultValues('workflow:\n  name: x\n'), []);
});

test('dataset names: bucket, name and tag', () => {
  assert.deepEqual(parseDatasetRef('imgs', 'osmo'), { bucket: 'osmo', name: 'imgs', tag: null });
  assert.deepEqual(parseDatasetRef('lake/imgs:gold', 'osmo'), { bucket: 'lake', name: 'imgs', tag: 'gold' });
  assert.deepEqual(parseDatasetRef('imgs:2', 'osmo'), { bucket: 'osmo', name: 'imgs', tag: '2' });
});

test('--set values: one a line, blanks dropped, values keep their inner spaces', () => {
  assert.deepEqual(parseValues('a=1\n\n  b = two words \n'), ['a=1', 'b = two words']);
});
