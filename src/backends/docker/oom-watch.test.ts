// OOM detection from memory cgroups: the parsers and the verdict, then the watcher on real files.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  OomWatcher,
  detectCgroupLayout,
  formatMemory,
  memoryCgroupOf,
  oomCountFile,
  oomEnd,
  parseOomKills,
} from './oom-watch.js';

// This process's own v1 memory cgroup, if it has one other than the root.
const ownCgroup = ((): string | null => {
  const path = memoryCgroupOf(readFileSync('/proc/self/cgroup', 'utf8'), 1);
  return path === '/' ? null : path;
})();
const root = await mkdtemp(join(tmpdir(), 'osmo-oom-watch-'));
after(() => rm(root, { recursive: true, force: true }));

void describe('OOM parsing and verdict', () => {
  void test('oom_kill is read from cgroup v1 memory.oom_control and v2 memory.events', () => {
    assert.equal(parseOomKills('oom_kill_disable 0\nunder_oom 0\noom_kill 2\n'), 2);
    assert.equal(parseOomKills('oom_kill_disable 0\nunder_oom 0\noom_kill 0\n'), 0);
    assert.equal(parseOomKills('low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\noom_group_kill 0\n'), 1);
    // Kernels before 4.13 have no oom_kill line: nothing is counted.
    assert.equal(parseOomKills('oom_kill_disable 0\nunder_oom 1\n'), 0);
  });

  void test('the memory cgroup of a process is found for each version', () => {
    const v1 = '12:pids:/libpod_parent/libpod-abc\n9:memory:/libpod_parent/libpod-abc\n1:name=systemd:/x\n';
    assert.equal(memoryCgroupOf(v1, 1), '/libpod_parent/libpod-abc');
    assert.equal(memoryCgroupOf('4:cpu,memory:/docker/abc\n', 1), '/docker/abc');
    assert.equal(
      memoryCgroupOf('0::/machine.slice/libpod-abc.scope/container\n', 2),
      '/machine.slice/libpod-abc.scope/container',
    );
    assert.equal(memoryCgroupOf(v1, 2), null);
    assert.equal(memoryCgroupOf('', 1), null);
  });

  void test('an OOM kill from the engine or the cgroup is FAILED_EVICTED with 3004', () => {
    const mi32 = 32 * 1024 * 1024;
    assert.deepEqual(oomEnd(false, 1, mi32), {
      status: 'FAILED_EVICTED',
      exitCode: 3004,
      message: 'OOMKilled: the task exceeded its memory limit of 32Mi.',
    });
    assert.equal(oomEnd(true, 0, mi32)?.status, 'FAILED_EVICTED');
    assert.equal(oomEnd(false, 0, mi32), null);
    assert.equal(formatMemory(2 * 1024 ** 3), '2Gi');
    assert.equal(formatMemory(1000), '1000 bytes');
  });

  void test('the layout is found only for a local engine, v2 before v1', async () => {
    const v1 = join(root, 'v1');
    await mkdir(join(v1, 'memory'), { recursive: true });
    assert.deepEqual(detectCgroupLayout('unix:///run/podman.sock', v1), {
      version: 1,
      root: join(v1, 'memory'),
    });
    assert.equal(detectCgroupLayout('tcp://10.0.0.1:2375', v1), null);
    const v2 = join(root, 'v2');
    await mkdir(v2, { recursive: true });
    await writeFile(join(v2, 'cgroup.controllers'), 'memory pids\n');
    assert.deepEqual(detectCgroupLayout('/run/podman.sock', v2), { version: 2, root: v2 });
    assert.equal(detectCgroupLayout('unix:///x.sock', join(root, 'none')), null);
  });
});

void describe('OomWatcher', () => {
  const layout = { version: 1 as const, root: join(root, 'memory') };

  void test('sees a kill counted while the container runs, though the cgroup is gone at the end', async () => {
    const file = oomCountFile(layout, '/libpod_parent/libpod-one');
    // Polling starts before the cgroup exists, as it does before the container starts.
    const watcher = OomWatcher.forContainer(layout, 'one', { memoryBytes: 1024 });
    assert.ok(watcher !== null);
    await new Promise((r) => setTimeout(r, 120));
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n');
    await new Promise((r) => setTimeout(r, 150));
    await rm(join(file, '..'), { recursive: true });
    assert.equal(await watcher.stop(), 1);
  });

  void test('counts nothing where no kill happened, and does nothing without a memory limit', async () => {
    const file = oomCountFile(layout, '/libpod_parent/libpod-two');
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n');
    const watcher = OomWatcher.forContainer(layout, 'two', { memoryBytes: 1024 });
    assert.equal(await watcher?.stop(), 0);
    assert.equal(OomWatcher.forContainer(layout, 'two', { memoryBytes: 0 }), null);
    assert.equal(OomWatcher.forContainer(null, 'two', { memoryBytes: 1024 }), null);
  });

  const noCgroup = ownCgroup === null ? 'this process has no cgroup v1 memory cgroup of its own' : false;
  void test('followPid moves to the cgroup this process is really in', { skip: noCgroup }, async () => {
    const file = oomCountFile(layout, ownCgroup ?? '/');
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, 'oom_kill 3\n');
    const watcher = OomWatcher.forContainer(layout, 'elsewhere', { memoryBytes: 1024 });
    await watcher?.followPid(process.pid);
    assert.equal(await watcher?.stop(), 3);
  });
});
