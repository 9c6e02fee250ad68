import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePortSpec, PortSpecError } from './port-spec.js';

test('port specs: single ports, pairs, ranges and lists', () => {
  assert.deepEqual(parsePortSpec('8080'), [{ local: 8080, remote: 8080 }]);
  assert.deepEqual(parsePortSpec('9000:80,22'), [
    { local: 9000, remote: 80 },
    { local: 22, remote: 22 },
  ]);
  assert.deepEqual(parsePortSpec('7000-7002:8000-8002'), [
    { local: 7000, remote: 8000 },
    { local: 7001, remote: 8001 },
    { local: 7002, remote: 8002 },
  ]);
});

test('port specs refused with upstream wording', () => {
  assert.throws(
    () => parsePortSpec('a:b'),
    new PortSpecError('Invalid port format: a:b. Please use format <integer>:<integer> or <integer>.'),
  );
  assert.throws(() => parsePortSpec('1:2:3'), /Invalid port format: 1:2:3/);
  assert.throws(() => parsePortSpec('70000'), /Invalid port value: 70000/);
  assert.throws(() => parsePortSpec('10-5'), /Invalid port value: 10-5/);
  assert.throws(
    () => parsePortSpec('1-3:5-6'),
    /Invalid number of ports provided. Local port are 3 and remote ports are 2/,
  );
});
