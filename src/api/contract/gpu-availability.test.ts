import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gpuAvailability } from './gpu-availability.js';

const usage = (quotaFree: number, totalFree: number) => ({
  quota_free: String(quotaFree),
  quota_limit: '8',
  total_free: String(totalFree),
  total_capacity: '16',
});

test('effective GPUs are the smaller of quota free and total free, per pool and per platform', () => {
  const [tight, roomy] = gpuAvailability(
    {
      node_sets: [
        {
          pools: [
            { name: 'tight', description: '', status: 'ONLINE', resource_usage: usage(2, 10) },
            { name: 'roomy', description: '', status: 'ONLINE', resource_usage: usage(8, 3) },
          ],
        },
      ],
    },
    {
      resources: [
        { allocatable_fields: { gpu: '8' }, platform_available_fields: { tight: { h100: { gpu: 6 } } } },
        {
          allocatable_fields: { gpu: '8' },
          platform_available_fields: { tight: { h100: { gpu: 1 }, l40s: { gpu: 3 } } },
        },
      ],
    },
  );
  assert.equal(tight?.effective_free, 2);
  assert.match(tight?.low_priority_hint ?? '', /but 10 are free: a LOW priority workflow/);
  assert.deepEqual(tight?.platforms, [
    { platform: 'h100', nodes: 2, gpu_capacity: 16, gpu_free: 7, effective_free: 2 },
    { platform: 'l40s', nodes: 1, gpu_capacity: 8, gpu_free: 3, effective_free: 2 },
  ]);
  // Capacity, not quota, is the limit here: LOW priority would gain nothing.
  assert.equal(roomy?.effective_free, 3);
  assert.equal(roomy?.low_priority_hint, null);
  assert.deepEqual(roomy?.platforms, []);
});

test('an overdrawn quota counts as none free', () => {
  const [pool] = gpuAvailability(
    {
      node_sets: [
        { pools: [{ name: 'p', description: '', status: 'ONLINE', resource_usage: usage(-2, 4) }] },
      ],
    },
    { resources: [] },
  );
  assert.equal(pool?.quota_free, 0);
  assert.equal(pool?.effective_free, 0);
  assert.match(pool?.low_priority_hint ?? '', /LOW priority/);
});
