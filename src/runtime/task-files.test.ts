import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeTaskFiles, resolveTaskFilePath } from './task-files.js';

const allowed: ReadonlyArray<[string, string]> = [
  ['/tmp/run.sh', '/tmp/run.sh'],
  ['tmp/run.sh', '/tmp/run.sh'],
  ['/osmo/data/output/seed.txt', '/osmo/data/output/seed.txt'],
];
for (const [path, want] of allowed)
  void test(`file path ${path}`, () => assert.equal(resolveTaskFilePath(path), want));

for (const path of ['/', '', '/osmo/run/x', 'osmo/data/input/0/x', '/tmp/../osmo/x']) {
  void test(`file path ${JSON.stringify(path)} is refused`, () =>
    assert.throws(() => resolveTaskFilePath(path), /forbidden for file/));
}

void test('without a sandbox, files outside /osmo stay in the attempt directory: the host path is never written', async () => {
  const { mkdtemp, readFile, rm } = await import('node:fs/promises');
  const { existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(join(tmpdir(), 'osmo-task-files-'));
  try {
    const target = `/etc/cron.d/osmo-task-files-${process.pid}`;
    const placed = await placeTaskFiles(
      [{ path: target, contents: '* * * * * root true\n', base64: false }],
      dir,
      join(dir, 'root', 'osmo', 'data', 'output'),
      false,
    );
    assert.equal(existsSync(target), false);
    assert.equal(placed.relocated.length, 1);
    assert.equal(placed.relocated[0]?.taskPath, target);
    assert.equal(await readFile(placed.relocated[0]?.hostPath ?? '', 'utf8'), '* * * * * root true\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
