import { describe, expect, test } from 'vitest';
import { NO_POOL, groupUsage } from './occupancy.js';
import { statusCategory } from './status.js';

describe('statuses and usage rows as the wire sends them', () => {
  test('a group or task status this UI does not know is pending, a failed one failed', () => {
    expect(statusCategory('COMPLETED')).toBe('completed');
    expect(statusCategory('FAILED_SOMETHING_NEW')).toBe('failed');
    expect(statusCategory('SOMETHING_NEW')).toBe('pending');
  });

  test('usage of tasks that ran in no pool is grouped under its own name', () => {
    const row = { user: 'ana', priority: 'NORMAL' as const, gpu: 1, cpu: 2, memory: 0, storage: 0 };
    const groups = groupUsage(
      [
        { ...row, pool: null },
        { ...row, pool: 'p' },
      ],
      'pool',
    );
    expect(groups.map((g) => g.name).sort()).toEqual([NO_POOL, 'p'].sort());
  });
});
