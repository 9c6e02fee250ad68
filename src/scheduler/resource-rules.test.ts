import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RuleNode } from './resource-rules.js';
import { DEFAULT_RESOURCE_RULES, checkTaskResources, operandValue } from './resource-rules.js';

const GiB = 1024 ** 3;
const rules = Object.values(DEFAULT_RESOURCE_RULES).flat();
const node = (name: string, gpu: number): RuleNode => ({
  name,
  poolPlatforms: ['p/x'],
  cpu: 64,
  gpu,
  memoryBytes: 512 * GiB,
  storageBytes: 1000 * GiB,
});
const where = { pool: 'p', platform: 'x' };

test('operands: units become Ki, plain numbers floats, other text stays', () => {
  assert.equal(operandValue('2Gi'), 2 * 1024 * 1024);
  assert.equal(operandValue('4.0'), 4);
  assert.equal(operandValue('abc'), 'abc');
});

test('a task that fits one node passes', () => {
  assert.equal(
    checkTaskResources(
      't',
      { cpu: 4, gpu: 8, memory: '16Gi', storage: '10Gi' },
      rules,
      [node('a', 4), node('b', 8)],
      where,
    ),
    null,
  );
});

test('a static rule fails before any node is looked at', () => {
  assert.equal(
    checkTaskResources('t', { cpu: 0, gpu: 0, memory: '1Gi', storage: '1Gi' }, rules, [node('a', 8)], where),
    'Resource validation failed for task: t\nAssertion failed for task t: Value 0.0 needs to be greater than 0 for CPU',
  );
});

test('no node passes: the capacity table, one row per node with the first failing rule', () => {
  const text = checkTaskResources(
    't',
    { cpu: 4, gpu: 16, memory: '16Gi', storage: '1Gi' },
    rules,
    [node('a', 8), node('bb', 4)],
    where,
  );
  assert.equal(
    text,
    [
      'Resource validation failed for task: t',
      'node   pool/platform   storage   cpu   memory   gpu   cuda-driver   reason',
      '='.repeat(
        "a      ['p/x']         1000      64    512      8     -             Assertion failed for task t: GPU value 16 too high for GPU"
          .length,
      ),
      "a      ['p/x']         1000      64    512      8     -             Assertion failed for task t: GPU value 16 too high for GPU",
      "bb     ['p/x']         1000      64    512      4     -             Assertion failed for task t: GPU value 16 too high for GPU",
      'Please check available resources with "osmo resource list".',
    ].join('\n'),
  );
});

test('no nodes in the platform', () => {
  assert.equal(
    checkTaskResources('t', { cpu: 1, gpu: 0, memory: '1Gi', storage: '1Gi' }, rules, [], where),
    'There are no resources in platform x and pool p!',
  );
});
