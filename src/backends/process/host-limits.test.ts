// The cgroup limits of v1 and v2 hierarchies, read from fixture trees laid out as on a real machine.
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import {
  effectiveResources,
  parseCfsQuota,
  parseCpuMax,
  parseMemoryMax,
  parseProcCgroup,
  parseV1MemoryLimit,
  readCgroupLimits,
} from './host-limits.js';
import { detectHostNode } from './host-inventory.js';

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/cgroup/', import.meta.url));
const GIB = 1024 ** 3;

describe('cgroup file parsing', () => {
  test('cpu.max: a quota rounds up to whole CPUs; max is no limit', () => {
    assert.equal(parseCpuMax('max 100000\n'), null);
    assert.equal(parseCpuMax('200000 100000\n'), 2);
    assert.equal(parseCpuMax('150000 100000'), 2);
    assert.equal(parseCpuMax('50000 100000'), 1);
  });

  test('memory.max and v1 memory limits: "max" and the v1 sentinel are no limit', () => {
    assert.equal(parseMemoryMax('max\n'), null);
    assert.equal(parseMemoryMax('1073741824\n'), GIB);
    assert.equal(parseV1MemoryLimit('9223372036854771712\n'), null);
    assert.equal(parseV1MemoryLimit('2147483648'), 2 * GIB);
  });

  test('cfs quota of -1 is no limit', () => {
    assert.equal(parseCfsQuota('-1', '100000'), null);
    assert.equal(parseCfsQuota('300000', '100000'), 3);
  });

  test('/proc/self/cgroup names the v2 path and each v1 controller', () => {
    const parsed = parseProcCgroup('0::/a/b\n4:cpu,cpuacct:/docker/x\n1:name=systemd:/s\n');
    assert.equal(parsed.v2, '/a/b');
    assert.equal(parsed.v1.get('cpu'), '/docker/x');
    assert.equal(parsed.v1.get('cpuacct'), '/docker/x');
  });
});

describe('reading a cgroup tree', () => {
  test('v2: the tightest limit on the path wins (parent memory, own CPU quota)', async () => {
    assert.deepEqual(await readCgroupLimits(join(FIXTURES, 'v2-limited')), { cpu: 2, memoryBytes: 8 * GIB });
  });

  test('v2 without limits leaves the host figures', async () => {
    const limits = await readCgroupLimits(join(FIXTURES, 'v2-unlimited'));
    assert.deepEqual(limits, { cpu: null, memoryBytes: null });
    assert.deepEqual(effectiveResources({ cpu: 16, memoryBytes: 64 * GIB }, limits), {
      cpu: 16,
      memoryBytes: 64 * GIB,
    });
  });

  test('v1: a container quota of 2 CPUs and 2 GiB', async () => {
    const limits = await readCgroupLimits(join(FIXTURES, 'v1-limited'));
    assert.deepEqual(limits, { cpu: 2, memoryBytes: 2 * GIB });
    assert.deepEqual(effectiveResources({ cpu: 16, memoryBytes: 64 * GIB }, limits), {
      cpu: 2,
      memoryBytes: 2 * GIB,
    });
  });

  test('a missing tree sets no limit', async () => {
    assert.deepEqual(await readCgroupLimits(join(FIXTURES, 'absent')), { cpu: null, memoryBytes: null });
  });

  test('this host: never more CPUs than Node may schedule on', async () => {
    const node = await detectHostNode(FIXTURES, {});
    assert.ok(node.cpu >= 1 && node.cpu <= availableParallelism(), String(node.cpu));
  });
});
