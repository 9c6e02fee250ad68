import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestS3Server, type TestS3Server } from '../../../storage/testing/s3-test-server.js';

const bin = join(process.cwd(), 'bin', 'osmo');
let server: TestS3Server;
let configDir: string;
let work: string;

before(async () => {
  server = await startTestS3Server(['data']);
  work = await mkdtemp(join(tmpdir(), 'osmo-data-cli-'));
  configDir = join(work, 'config');
  await mkdir(configDir);
  await writeFile(
    join(configDir, 'config.yaml'),
    `auth:\n  data:\n    s3://data:\n      access_key_id: S3RVER\n      access_key: S3RVER\n      region: us-east-1\n      override_url: ${server.endpointUrl}\n      addressing_style: path\n    s3://denied:\n      access_key_id: WRONG\n      access_key: WRONG\n      override_url: ${server.endpointUrl}\n`,
    { mode: 0o600 },
  );
});
after(() => server.close());

// The CLI runs as a child; the S3 server lives in this process, so the child must not block our loop.
function osmo(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? '', OSMO_CONFIG_FILE_DIR: configDir, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('upload, list, download (with resume and regex), delete through bin/osmo', async () => {
  const src = join(work, 'src');
  await mkdir(join(src, 'sub'), { recursive: true });
  for (let i = 0; i < 12; i++) await writeFile(join(src, `f${i}.txt`), `file ${i}`);
  await writeFile(join(src, 'sub', 'deep.bin'), 'deep');
  const up = await osmo(['data', 'upload', 's3://data/run1', src]);
  assert.equal(up.status, 0, up.stderr);
  assert.match(up.stderr, /Data has been uploaded/);

  const flat = await osmo(['data', 'list', 's3://data/run1/src', '--no-pager']);
  assert.equal(flat.status, 0, flat.stderr);
  assert.match(flat.stdout, /^run1\/src\/f0\.txt$/m);
  assert.match(flat.stdout, /^run1\/src\/sub\/$/m);
  assert.match(flat.stdout, /\nTotal 13 objects found\n$/);
  const deep = await osmo(['data', 'list', 's3://data/run1', '--no-pager', '--recursive', '--regex', 'deep']);
  assert.equal(deep.stdout, 'run1/src/sub/deep.bin\n\nTotal 1 objects found\n');

  const listFile = join(work, 'keys.txt');
  assert.equal((await osmo(['data', 'list', 's3://data/run1', listFile, '-r'])).status, 0);
  assert.equal((await readFile(listFile, 'utf8')).split('\n').filter(Boolean).length, 13);
  const again = await osmo(['data', 'list', 's3://data/run1', listFile]);
  assert.match(again.stdout, /file already exists!/);

  const dest = join(work, 'dest');
  await mkdir(dest);
  const down = await osmo(['data', 'download', 's3://data/run1/src', dest, '-x', '\\.txt$']);
  assert.equal(down.status, 0, down.stderr);
  assert.match(down.stderr, /Data has been downloaded/);
  assert.equal((await readdir(dest)).length, 12);
  assert.equal(await readFile(join(dest, 'f3.txt'), 'utf8'), 'file 3');
  await writeFile(join(dest, 'f3.txt'), 'FILE 3'); // same size: --resume keeps it
  await osmo(['data', 'download', 's3://data/run1/src', dest, '--resume']);
  assert.equal(await readFile(join(dest, 'f3.txt'), 'utf8'), 'FILE 3');
  assert.equal(await readFile(join(dest, 'sub', 'deep.bin'), 'utf8'), 'deep');

  // A missing directory is made (upstream refuses it); a file in its place is refused.
  const made = await osmo(['data', 'download', 's3://data/run1/src', join(work, 'new', 'dir')]);
  assert.equal(made.status, 0, made.stdout + made.stderr);
  assert.equal(await readFile(join(work, 'new', 'dir', 'f3.txt'), 'utf8'), 'file 3');
  await writeFile(join(work, 'plain'), 'x');
  const notDir = await osmo(['data', 'download', 's3://data/run1', join(work, 'plain')]);
  assert.equal(notDir.status, 2);
  assert.match(notDir.stdout, /plain is not a valid path: it is not a directory/);

  const del = await osmo(['data', 'delete', 's3://data/run1', '-x', 'f1']);
  assert.match(del.stderr, /Data has been deleted, success_count=3, failures=0/);
  const rest = await osmo(['data', 'list', 's3://data/run1', '--no-pager', '-r']);
  assert.match(rest.stdout, /Total 10 objects found/);
});

test('check prints one JSON line; credentials come from config.yaml or the AWS environment', async () => {
  assert.equal((await osmo(['data', 'check', 's3://data'])).stdout, '{"status": "pass"}\n');
  assert.equal((await osmo(['data', 'check', 's3://data/x', '-a', 'WRITE'])).stdout, '{"status": "pass"}\n');
  const denied = await osmo(['data', 'check', 's3://denied']);
  assert.equal(denied.status, 0);
  assert.match(denied.stdout, /^\{"status": "fail", "error": "Access denied/);
  const none = await osmo(['data', 'list', 's3://elsewhere/x', '--no-pager']);
  assert.equal(none.status, 2);
  assert.match(
    none.stdout,
    /Data credential not found for s3:\/\/elsewhere\. Check if the credential is set locally/,
  );
  const ambient = await osmo(['data', 'check', 's3://elsewhere'], {
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL: server.endpointUrl,
  });
  // The bucket does not exist, but the keys were accepted: the failure names the bucket, not the keys.
  assert.match(ambient.stdout, /"status": "fail".*NoSuchBucket/);
});

test('bad URIs, unsupported schemes and bad regexes are named', async () => {
  assert.match(
    (await osmo(['data', 'list', 'http://x/y', '--no-pager'])).stdout,
    /Invalid storage path: http:\/\/x\/y/,
  );
  assert.match(
    (await osmo(['data', 'list', 'gs://bucket/y', '--no-pager'])).stdout,
    /not supported by this build/,
  );
  assert.match((await osmo(['data', 'delete', 's3://data/x', '-x', '('])).stdout, /Invalid regex: \(/);
  assert.match(
    (await osmo(['data', 'check', 'swift://a'])).stdout,
    /Invalid storage credential path: swift:\/\/a/,
  );
});
