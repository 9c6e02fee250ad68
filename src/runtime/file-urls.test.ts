import assert from 'node:assert/strict';
import { chmod, chown, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { resolveFileUrl, transferFileUrl } from './file-urls.js';

let dir: string;
let allowed: string;
const asRoot = process.getuid?.() === 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osmo-file-urls-'));
  await chmod(dir, 0o755);
  allowed = join(dir, 'allowed');
  await mkdir(join(allowed, 'data'), { recursive: true });
  await writeFile(join(allowed, 'data', 'public.txt'), 'public');
  await writeFile(join(allowed, 'data', 'private.txt'), 'private', { mode: 0o600 });
  await writeFile(join(dir, 'outside.txt'), 'outside');
  await symlink(join(dir, 'outside.txt'), join(allowed, 'data', 'escape.txt'));
  await symlink(dir, join(allowed, 'up'));
});
after(() => rm(dir, { recursive: true, force: true }));

test('without allowed directories every file:// URL is refused, naming the flag', async () => {
  await assert.rejects(
    resolveFileUrl(`file://${allowed}/data`, []),
    /allows no file:\/\/ URLs.*--allow-file-urls/,
  );
});

test('a file:// URL outside the allowed directories, or with "..", is refused', async () => {
  await assert.rejects(resolveFileUrl(`file://${dir}/outside.txt`, [allowed]), /must lie under/);
  await assert.rejects(resolveFileUrl(`file://${allowed}/../outside.txt`, [allowed]), /"\.\." segments/);
  await assert.rejects(resolveFileUrl(`file://${allowed}-sibling/x`, [allowed]), /must lie under/);
});

test('a symlink that leads out of the allowed directory is refused', async () => {
  await assert.rejects(resolveFileUrl(`file://${allowed}/up/outside.txt`, [allowed]), /symbolic link/);
  assert.deepEqual(await resolveFileUrl(`file://${allowed}/data`, [`${allowed}/`]), {
    root: allowed,
    prefix: 'data',
  });
});

test('a download copies what lies inside and skips a file linked from outside', async () => {
  const into = join(dir, 'in-1');
  const objects = await transferFileUrl('download', `file://${allowed}/data`, into, null, {
    roots: [allowed],
    sandbox: null,
  });
  assert.deepEqual(objects.map((o) => o.key).sort(), ['private.txt', 'public.txt']);
  assert.deepEqual((await readdir(into)).sort(), ['private.txt', 'public.txt']);
});

test('an upload cannot write through a symlink out of the allowed directory', async () => {
  const out = join(dir, 'task-out');
  await mkdir(out);
  await writeFile(join(out, 'x.txt'), 'x');
  await assert.rejects(
    transferFileUrl('upload', `file://${allowed}/up/written`, out, null, { roots: [allowed], sandbox: null }),
    /symbolic link/,
  );
});

test(
  'in the sandbox the copy runs as the task uid: what it may not read is not copied',
  { skip: !asRoot },
  async () => {
    const osmo = join(dir, 'attempt', 'root', 'osmo');
    const input = (n: number): string => join(osmo, 'data', 'input', String(n));
    for (const path of [osmo, join(osmo, 'data'), join(osmo, 'data', 'input'), input(0), input(1)]) {
      await mkdir(path, { recursive: true });
      await chown(path, 100_000, 100_000);
    }
    const access = {
      roots: [allowed],
      sandbox: { osmoHostDir: osmo, identity: { uid: 100_000, gid: 100_000 } },
    };
    await assert.rejects(
      transferFileUrl('download', `file://${allowed}/data`, input(0), null, access),
      /private\.txt.*Permission denied/,
    );
    const objects = await transferFileUrl('download', `file://${allowed}/data`, input(1), 'public', access);
    assert.deepEqual(
      objects.map((o) => o.key),
      ['public.txt'],
    );
  },
);
