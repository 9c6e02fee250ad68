import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LocalStorage, normalizeKey, openStorage, openStorageUrl } from './index.js';
import { storageContract } from './storage-contract.js';

const root = await mkdtemp(join(tmpdir(), 'osmo-storage-'));
after(() => rm(root, { recursive: true, force: true }));

void describe('storage keys', () => {
  const cases: ReadonlyArray<[string, string]> = [
    ['a/b', 'a/b'],
    ['/a//b/', 'a/b'],
    ['./a/./b', 'a/b'],
  ];
  for (const [input, want] of cases)
    void test(`normalizeKey(${input})`, () => assert.equal(normalizeKey(input), want));
  for (const bad of ['../x', 'a/../../x', '', '/', 'a\0b']) {
    void test(`rejects ${JSON.stringify(bad)}`, () =>
      assert.throws(() => normalizeKey(bad), { name: 'OsmoError' }));
  }
});

void describe('LocalStorage', () => {
  const storage = new LocalStorage(join(root, 'store'));

  void test('put and get bytes, stream and file', async () => {
    await storage.putBytes('wf/t/a.txt', 'alpha');
    await storage.putStream('wf/t/sub/b.txt', Readable.from([Buffer.from('be'), Buffer.from('ta')]));
    const src = join(root, 'src.bin');
    await writeFile(src, Buffer.from([0, 1, 2, 255]));
    await storage.putFile('wf/t/c.bin', src);
    assert.equal((await storage.getBytes('wf/t/a.txt')).toString(), 'alpha');
    const chunks: Buffer[] = [];
    for await (const chunk of await storage.getStream('wf/t/sub/b.txt')) chunks.push(chunk as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), 'beta');
    const dest = join(root, 'out', 'c.bin');
    await storage.getToFile('wf/t/c.bin', dest);
    assert.deepEqual([...(await readFile(dest))], [0, 1, 2, 255]);
    assert.equal(await storage.exists('wf/t/a.txt'), true);
    assert.equal(await storage.exists('wf/t/zzz'), false);
  });

  void test('list by prefix matches whole and partial segments, sorted', async () => {
    const keys = (await storage.list('wf/t/')).map((o) => o.key);
    assert.deepEqual(keys, ['wf/t/a.txt', 'wf/t/c.bin', 'wf/t/sub/b.txt']);
    assert.deepEqual(
      (await storage.list('wf/t/s')).map((o) => o.key),
      ['wf/t/sub/b.txt'],
    );
    assert.deepEqual(await storage.list('nothing/here'), []);
    assert.equal((await storage.list('wf/t/a.txt'))[0]?.sizeBytes, 5);
  });

  void test('missing objects and escaping keys are refused', async () => {
    await assert.rejects(storage.getBytes('wf/none'), /does not exist/);
    await assert.rejects(storage.putBytes('../escape', 'x'), /not allowed/);
    assert.deepEqual(await readdir(root).then((e) => e.includes('escape')), false);
  });

  void test('uploadDirectory and downloadPrefix round-trip relative to the prefix, with a filter', async () => {
    const dir = join(root, 'updir');
    await mkdir(join(dir, 'deep', 'er'), { recursive: true });
    await writeFile(join(dir, 'one.txt'), '1');
    await writeFile(join(dir, 'deep', 'er', 'two.log'), '22');
    const up = await storage.uploadDirectory(dir, 'wf2/producer');
    assert.deepEqual(up.map((o) => o.key).sort(), ['wf2/producer/deep/er/two.log', 'wf2/producer/one.txt']);
    const down = join(root, 'downdir');
    const got = await storage.downloadPrefix('wf2/producer', down, { filter: (k) => k.endsWith('.log') });
    assert.deepEqual(
      got.map((o) => o.key),
      ['deep/er/two.log'],
    );
    assert.equal(await readFile(join(down, 'deep', 'er', 'two.log'), 'utf8'), '22');
    await assert.rejects(readFile(join(down, 'one.txt')), { code: 'ENOENT' });
    const filtered = await storage.uploadDirectory(dir, 'wf3/only-txt', {
      filter: (k) => k.endsWith('.txt'),
    });
    assert.deepEqual(
      filtered.map((o) => o.key),
      ['wf3/only-txt/one.txt'],
    );
    // `wf2/prod` is not the directory `wf2/producer`.
    assert.deepEqual(await storage.downloadPrefix('wf2/prod', join(root, 'none')), []);
  });

  void test('delete removes an object and tolerates a missing one', async () => {
    await storage.delete('wf/t/a.txt');
    assert.equal(await storage.exists('wf/t/a.txt'), false);
    await storage.delete('wf/t/a.txt');
  });
});

void describe('opening storage', () => {
  void test('openStorage(local) and file:// URLs reach the same files', async () => {
    const dir = join(root, 'opened');
    await openStorage({ kind: 'local', root: dir }).putBytes('k/v', 'x');
    const target = openStorageUrl(`file://${dir}/k`);
    assert.equal((await target.storage.list(`${target.prefix}/`)).length, 1);
  });
  void test('unsupported schemes are named', () => {
    assert.throws(
      () => openStorageUrl('gs://bucket/x'),
      /"gs" \(gs:\/\/bucket\/x\) is not supported by this build/,
    );
    assert.throws(() => openStorageUrl('swift://a/b/c'), /not supported by this build/);
    assert.throws(() => openStorageUrl('no-scheme'), /Invalid storage path: no-scheme/);
  });
});

storageContract('local', async () => new LocalStorage(await mkdtemp(join(root, 'contract-'))));
