// One behaviour suite every storage kind must pass (style.md R8): run for the local directory and for S3.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, symlink, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ObjectStorage } from './object-storage.js';

export function storageContract(name: string, make: () => Promise<ObjectStorage>): void {
  void describe(`${name} storage contract`, () => {
    const scratch = (): Promise<string> => mkdtemp(join(tmpdir(), 'osmo-contract-'));

    void test('put and get bytes, stream and file; exists', async () => {
      const storage = await make();
      const dir = await scratch();
      await storage.putBytes('wf/t/a.txt', 'alpha');
      await storage.putStream('wf/t/sub/b.txt', Readable.from([Buffer.from('be'), Buffer.from('ta')]));
      await writeFile(join(dir, 'src.bin'), Buffer.from([0, 1, 2, 255]));
      await storage.putFile('wf/t/c.bin', join(dir, 'src.bin'));
      assert.equal((await storage.getBytes('wf/t/a.txt')).toString(), 'alpha');
      assert.equal((await storage.getBytes('wf/t/sub/b.txt')).toString(), 'beta');
      await storage.getToFile('wf/t/c.bin', join(dir, 'out', 'c.bin'));
      assert.deepEqual([...(await readFile(join(dir, 'out', 'c.bin')))], [0, 1, 2, 255]);
      assert.equal(await storage.exists('wf/t/a.txt'), true);
      assert.equal(await storage.exists('wf/t/zzz'), false);
      await assert.rejects(storage.getBytes('wf/none'), /does not exist/);
    });

    void test('list by prefix: whole and partial segments, sorted, sizes', async () => {
      const storage = await make();
      for (const key of ['ls/p/b.txt', 'ls/p/a.txt', 'ls/p/sub/c.txt', 'ls/pq/d.txt']) {
        await storage.putBytes(key, key);
      }
      const keys = async (prefix: string): Promise<string[]> =>
        (await storage.list(prefix)).map((o) => o.key);
      assert.deepEqual(await keys('ls/p/'), ['ls/p/a.txt', 'ls/p/b.txt', 'ls/p/sub/c.txt']);
      assert.deepEqual(await keys('ls/p'), ['ls/p/a.txt', 'ls/p/b.txt', 'ls/p/sub/c.txt', 'ls/pq/d.txt']);
      assert.deepEqual(await keys('ls/p/s'), ['ls/p/sub/c.txt']);
      assert.deepEqual(await keys('nothing/here'), []);
      assert.equal((await storage.list('ls/p/a.txt'))[0]?.sizeBytes, 'ls/p/a.txt'.length);
    });

    void test('directory round trip with a regex filter, parallel, relative to the prefix', async () => {
      const storage = await make();
      const dir = await scratch();
      const src = join(dir, 'src');
      await mkdir(join(src, 'deep', 'er'), { recursive: true });
      for (let i = 0; i < 30; i++) await writeFile(join(src, `f${i}.txt`), `file ${i}`);
      await writeFile(join(src, 'deep', 'er', 'two.log'), '22');
      const up = await storage.uploadDirectory(src, 'rt/producer', { concurrency: 6 });
      assert.equal(up.length, 31);
      const down = join(dir, 'down');
      const seen: string[] = [];
      const got = await storage.downloadPrefix('rt/producer', down, {
        filter: (k) => /\.log$/.test(k),
        onObject: (o) => seen.push(o.key),
      });
      assert.deepEqual(
        got.map((o) => o.key),
        ['deep/er/two.log'],
      );
      assert.deepEqual(seen, ['deep/er/two.log']);
      assert.equal(await readFile(join(down, 'deep', 'er', 'two.log'), 'utf8'), '22');
      const all = await storage.downloadPrefix('rt/producer', join(dir, 'all'), { concurrency: 4 });
      assert.equal(all.length, 31);
      assert.equal(await readFile(join(dir, 'all', 'f29.txt'), 'utf8'), 'file 29');
      assert.deepEqual(await storage.downloadPrefix('rt/prod', join(dir, 'none')), []);
    });

    void test('resume skips objects already downloaded with the same size', async () => {
      const storage = await make();
      const dir = await scratch();
      await storage.putBytes('res/a.txt', 'aaaa');
      await storage.putBytes('res/b.txt', 'bbbb');
      await writeFile(join(dir, 'a.txt'), 'AAAA'); // same size: resume keeps it
      const skipped: string[] = [];
      await storage.downloadPrefix('res', dir, {
        resume: true,
        onObject: (o, wasSkipped) => (wasSkipped ? skipped.push(o.key) : undefined),
      });
      assert.deepEqual(skipped, ['a.txt']);
      assert.equal(await readFile(join(dir, 'a.txt'), 'utf8'), 'AAAA');
      assert.equal(await readFile(join(dir, 'b.txt'), 'utf8'), 'bbbb');
      await storage.downloadPrefix('res', dir);
      assert.equal(await readFile(join(dir, 'a.txt'), 'utf8'), 'aaaa');
    });

    void test('delete removes an object and tolerates a missing one', async () => {
      const storage = await make();
      await storage.putBytes('del/x', 'x');
      await storage.delete('del/x');
      assert.equal(await storage.exists('del/x'), false);
      await storage.delete('del/x');
      assert.deepEqual(await storage.list('del/'), []);
    });

    void test('keys with .. are refused; a symlink out of the target is not followed', async () => {
      const storage = await make();
      await assert.rejects(storage.putBytes('../escape', 'x'), /not allowed/);
      const dir = await scratch();
      const outside = join(dir, 'outside');
      const target = join(dir, 'target');
      await mkdir(outside);
      await mkdir(target);
      await symlink(outside, join(target, 'link'));
      await storage.putBytes('sym/link/evil.txt', 'evil');
      const failures: string[] = [];
      await storage.downloadPrefix('sym', target, {
        onFailure: (k, e) => failures.push(`${k}: ${e.message}`),
      });
      assert.equal(failures.length, 1);
      assert.match(failures[0] ?? '', /symlink out of/);
      assert.deepEqual(await readdir(outside), []);
    });
  });
}
