import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Storage, openStorageUrl } from './index.js';
import { storageContract } from './storage-contract.js';
import { startTestS3Server, type TestS3Server } from './testing/s3-test-server.js';

let server: TestS3Server;
let counter = 0;
before(async () => {
  server = await startTestS3Server(['contract', 'multi', 'urls']);
});
after(() => server.close());

const s3 = (overrides: Partial<ConstructorParameters<typeof S3Storage>[0]> = {}): S3Storage =>
  new S3Storage({
    bucket: 'contract',
    rootPrefix: `run-${counter++}`,
    region: 'us-east-1',
    endpointUrl: server.endpointUrl,
    pathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    ...overrides,
  });

storageContract('s3', async () => s3());

void describe('S3 storage specifics', () => {
  void test('a file over the threshold goes up in parts and comes back intact', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'osmo-multipart-'));
    const data = randomBytes(12 * 1024 * 1024 + 17);
    await writeFile(join(dir, 'big.bin'), data);
    const storage = s3({ bucket: 'multi', rootPrefix: '', multipartThresholdBytes: 5 * 1024 * 1024 });
    await storage.putFile('big.bin', join(dir, 'big.bin'));
    // Three parts of 5, 5 and 2 MiB: one initiate, three part uploads, one completion.
    const mine = server.requests.filter((r) => r.includes('/multi/big.bin'));
    assert.equal(mine.filter((r) => /^POST .*\?uploads/.test(r)).length, 1);
    assert.equal(mine.filter((r) => /^PUT .*partNumber=/.test(r)).length, 3);
    assert.equal(mine.filter((r) => /^POST .*uploadId=/.test(r)).length, 1);
    await storage.getToFile('big.bin', join(dir, 'back.bin'));
    assert.ok(data.equals(await readFile(join(dir, 'back.bin'))));
    await rm(dir, { recursive: true, force: true });
  });

  void test('wrong credentials are a credential error, not a missing object', async () => {
    const storage = s3({ credentials: { accessKeyId: 'WRONG', secretAccessKey: 'nope' }, rootPrefix: '' });
    await assert.rejects(storage.list(''), (err: Error) => {
      assert.equal((err as { code?: string }).code, 'CREDENTIAL');
      assert.match(err.message, /Access denied/);
      return true;
    });
    await assert.rejects(storage.putBytes('k', 'v'), /Access denied/);
  });

  void test('s3:// URIs open the bucket with the profile credential', async () => {
    const target = openStorageUrl('s3://urls/some/prefix/', (profile) =>
      profile === 's3://urls' ? server.credential : null,
    );
    assert.equal(target.prefix, 'some/prefix');
    await target.storage.putBytes(`${target.prefix}/x.txt`, 'hello');
    assert.deepEqual(
      (await target.storage.list(`${target.prefix}/`)).map((o) => o.key),
      ['some/prefix/x.txt'],
    );
  });
});
