import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openConfined } from './directory-transfer.js';
import { LocalStorage } from './local-storage.js';

// A task's output directory, read back by the runtime that runs with more privileges than the task.
let dir: string;
let output: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osmo-confined-'));
  output = join(dir, 'output');
  await mkdir(join(output, 'sub'), { recursive: true });
  await writeFile(join(dir, 'master-key'), 'the service key');
  await writeFile(join(output, 'result.txt'), 'result');
  await symlink(join(dir, 'master-key'), join(output, 'stolen.txt'));
  await symlink('result.txt', join(output, 'latest.txt'));
  await symlink(dir, join(output, 'sub', 'up'));
});
after(() => rm(dir, { recursive: true, force: true }));

test('a confined upload takes files and links inside the directory, never a link out of it', async () => {
  const storage = new LocalStorage(join(dir, 'storage'));
  const objects = await storage.uploadDirectory(output, 'out', { confined: true });
  assert.deepEqual(objects.map((o) => o.key).sort(), ['out/latest.txt', 'out/result.txt']);
  assert.equal((await storage.getBytes('out/latest.txt')).toString(), 'result');
  assert.equal(await storage.exists('out/stolen.txt'), false);
});

test('an unconfined upload (the user’s own files, from the CLI) still follows links', async () => {
  const storage = new LocalStorage(join(dir, 'storage-cli'));
  const objects = await storage.uploadDirectory(output, 'out');
  assert.ok(objects.some((o) => o.key === 'out/stolen.txt'));
});

test('openConfined refuses a link and a path whose parent leads out', async () => {
  await assert.rejects(openConfined(output, join(output, 'stolen.txt')), /leads out/);
  await assert.rejects(openConfined(output, join(output, 'sub', 'up', 'master-key')), /leads out/);
  const handle = await openConfined(output, join(output, 'result.txt'));
  await handle.close();
});
