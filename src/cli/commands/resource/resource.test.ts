// `osmo resource list|info` rendering against the reference fixture and hand-made entries.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ResourcesResponse } from './entry.js';
import { renderResourceInfo } from './info.js';
import { renderResourceTable } from './list.js';
import { quantityBytes } from './quantity.js';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const fixture = JSON.parse(
  readFileSync(join(ROOT, 'test', 'fixtures', 'cli', 'resource_list.json'), 'utf8'),
) as ResourcesResponse;

const trimmed = (text: string): string[] => text.split('\n').map((l) => l.trimEnd());

test('resource list, used mode: the reference rendering of the fixture', () => {
  assert.deepEqual(trimmed(renderResourceTable(fixture, 'used')), [
    'Node                   Pool        Platform   Type     Storage [Gi]   CPU [#]   Memory [Gi]   GPU [#]',
    '=====================================================================================================',
    'osmo-iad1-h100-7e3a2   h100-east   x86-h100   SHARED   1024/8000      48/94     512/993       6/8',
    'osmo-iad1-h100-9b1c4   h100-east   x86-h100   SHARED   1280/8000      80/94     768/993       8/8',
    'osmo-iad1-h100-2f8d5   h100-east   x86-h100   SHARED   768/8000       40/94     384/993       5/8',
    'osmo-iad1-h100-4a6e8   h100-east   x86-h100   SHARED   1152/8000      64/94     640/993       7/8',
    'osmo-iad1-h100-1c9f3   h100-east   x86-h100   SHARED   1408/8000      88/94     896/993       8/8',
    'osmo-iad1-h100-8d2b7   h100-east   x86-h100   SHARED   512/8000       32/94     256/993       4/8',
    '=====================================================================================================',
    '                                                       6144/48000     352/564   3456/5958     38/48',
    '',
  ]);
  // Every line is padded to the full width.
  assert.ok(renderResourceTable(fixture, 'used').split('\n')[2]?.endsWith('6/8    '));
});

test('resource list, free mode: free GPU cells and total', () => {
  const lines = trimmed(renderResourceTable(fixture, 'free'));
  assert.deepEqual(
    lines.slice(2, 8).map((l) => l.split(/\s+/).at(-1)),
    ['2', '0', '3', '1', '0', '4'],
  );
  assert.equal(lines[9]?.split(/\s+/).at(-1), '10');
});

const shared: ResourcesResponse = {
  resources: [
    {
      hostname: 'n1',
      exposed_fields: { node: 'n1', 'pool/platform': ['a/gpu', 'b/gpu'], cpu: '64', gpu: '8' },
      usage_fields: { cpu: '3', gpu: '12' },
      allocatable_fields: { cpu: '64', gpu: '8', memory: 'lots' },
      taints: [],
      conditions: null,
      non_workflow_usage_fields: null,
      platform_allocatable_fields: null,
      platform_available_fields: null,
      platform_workflow_allocatable_fields: null,
      config_fields: null,
      backend: '',
      label_fields: null,
      pool_platform_labels: null,
      resource_type: 'SHARED',
    },
  ],
};

test('resource list: a node under two pools counts once; usage clamps; unreadable kinds print 0', () => {
  assert.deepEqual(trimmed(renderResourceTable(shared, 'used')), [
    'Node   Pool   Platform   Type     Storage [Gi]   CPU [#]   Memory [Gi]   GPU [#]',
    '================================================================================',
    'n1     a      gpu        SHARED   0              3/64      0             8/8',
    '       b      gpu                 0              3/64      0             8/8',
    '================================================================================',
    '                                  0/0            3/64      0/0           8/8',
    '',
  ]);
  assert.equal(renderResourceTable({ resources: [] }, 'used'), 'There are no available resources.\n');
});

test('quantities: binary suffixes, bare bytes, milli, unreadable', () => {
  assert.equal(quantityBytes('1Ki'), 1024);
  assert.equal(quantityBytes('2Gi'), 2 * 1024 ** 3);
  assert.equal(quantityBytes(512), 512);
  assert.equal(quantityBytes('1500m'), 1.5);
  assert.equal(quantityBytes('1Xi'), null);
});

const [first] = fixture.resources;
if (first === undefined) throw new Error('the fixture lists no resource');
const withTwoPlatforms: ResourcesResponse = {
  resources: [
    {
      ...first,
      pool_platform_labels: { 'h100-east': ['x86-h100', 'x86-alt'] },
      config_fields: {
        'h100-east': {
          'x86-h100': {
            host_network: false,
            privileged: true,
            default_mounts: ['/mnt/data'],
            allowed_mounts: [],
          },
        },
      },
    },
  ],
};

test('resource info: pool table, platform capacity in Gi, task configuration', () => {
  assert.deepEqual(trimmed(renderResourceInfo(withTwoPlatforms, { node: 'osmo-iad1-h100-7e3a2' })), [
    '',
    'Resource Name: osmo-iad1-h100-7e3a2',
    '',
    'Pool Specification:',
    '',
    'Pool        Platform',
    '====================',
    'h100-east   x86-h100',
    '            x86-alt',
    '',
    '* (Using configuration for h100-east/x86-h100):',
    'Resource Capacity',
    '-----------------',
    'storage: 8000Gi',
    'cpu: 94',
    'memory: 993Gi',
    'gpu: 8',
    '',
    'Task Configurations',
    '-------------------',
    'Host Network Allowed: False',
    'Privileged Mode Allowed: True',
    'Default Mounts:',
    '- /mnt/data',
    'Allowed Mounts:',
    '',
    '',
  ]);
});

test('resource info: messages for no entry, several entries, and a pair the node lacks', () => {
  assert.equal(renderResourceInfo({ resources: [] }, { node: 'x' }), 'x is not a resource.\n');
  const two = { resources: [...fixture.resources.slice(0, 2)] };
  assert.equal(
    renderResourceInfo(two, { node: 'n' }),
    'Multiple resources named n exist. Specify both --pool and --platform to select one.\n',
  );
  assert.equal(
    renderResourceInfo(two, { node: 'n', pool: 'h100-east', platform: 'nope' }),
    'Node n is not in pool h100-east and platform nope\n',
  );
  assert.match(
    renderResourceInfo(two, { node: 'n', pool: 'h100-east', platform: 'x86-h100' }),
    /Resource Name: osmo-iad1-h100-7e3a2/,
  );
});
