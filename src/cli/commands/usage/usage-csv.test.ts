// Usage as CSV: the grouping's key columns, then the amounts; fields quoted only when they must be.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { usageCsv } from './usage-csv.js';

test('one header line, one line per row, CRLF, RFC 4180 quoting', () => {
  const csv = usageCsv({
    group_by: 'task',
    since: '2026-01-01T00:00:00.000Z',
    until: '2026-01-02T00:00:00.000Z',
    usage: [
      {
        workflow_id: 'train-1',
        task_name: 'a',
        user: 'o"neil, jr',
        pool: 'p1',
        attempts: 2,
        gpu_hours: 1.5,
        cpu_hours: 3,
        memory_gib_hours: 12.25,
      },
    ],
    total: { attempts: 2, gpu_hours: 1.5, cpu_hours: 3, memory_gib_hours: 12.25 },
  });
  assert.equal(
    csv,
    'workflow_id,task_name,user,pool,attempts,gpu_hours,cpu_hours,memory_gib_hours\r\n' +
      'train-1,a,"o""neil, jr",p1,2,1.5,3,12.25\r\n',
  );
});
