// End to end, the skill's dataset forms: `osmo profile set bucket` as the default for dataset commands,
// and `osmo dataset label NAME --set k=v` beside the reference's `key:type:value`.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startS3Service, type S3Service } from './s3-service.js';
import { loginAs, osmo, removeDir, tempDir, type OsmoResult } from './harness.js';

let env: S3Service;
let work: string;

before(async () => {
  env = await startS3Service(['osmo']);
  work = await tempDir('profile-bucket-e2e');
});
after(async () => {
  await env.stop();
  await removeDir(work);
});

const ok = (r: OsmoResult): string => {
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return r.stdout;
};

test('osmo profile set bucket checks the name, stores it, and profile list shows it', async () => {
  const user = await loginAs(env.service.url, 'bucky');
  assert.doesNotMatch(ok(await osmo(user, ['profile', 'list'])), /^bucket:/m, 'unset: upstream output');

  const bad = await osmo(user, ['profile', 'set', 'bucket', 'nope']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stdout + bad.stderr, /Bucket nope does not exist\./);
  const profileJson = async (): Promise<{ bucket: string | null }> =>
    (
      JSON.parse(ok(await osmo(user, ['profile', 'list', '-t', 'json']))) as {
        profile: { bucket: string | null };
      }
    ).profile;
  assert.equal((await profileJson()).bucket, null);

  assert.equal(ok(await osmo(user, ['profile', 'set', 'bucket', 'osmo'])), 'Profile Set\n');
  assert.equal((await profileJson()).bucket, 'osmo');
  assert.match(ok(await osmo(user, ['profile', 'list'])), /\nbucket:\n {2}default: osmo\n/);

  // Dataset commands without a bucket resolve it through the caller's default.
  await env.writeDataCredential(user, 'osmo');
  const src = join(work, 'bucket-src');
  await mkdir(src, { recursive: true });
  await writeFile(join(src, 'a.txt'), 'a\n');
  ok(await osmo(user, ['dataset', 'upload', 'bucketed', `${src}/*`]));
  assert.match(ok(await osmo(user, ['dataset', 'list'])), /osmo\s+bucketed\s/);
});

test('osmo dataset label NAME --set k=v sets string labels beside key:type:value', async () => {
  const user = await loginAs(env.service.url, 'lara');
  await env.writeDataCredential(user, 'osmo');
  const src = join(work, 'label-src');
  await mkdir(src, { recursive: true });
  await writeFile(join(src, 'b.txt'), 'b\n');
  ok(await osmo(user, ['dataset', 'upload', 'labelled', `${src}/*`]));

  assert.equal(
    ok(await osmo(user, ['dataset', 'label', 'labelled', '--set', 'team=vision', 'url=http://x/y'])),
    'team: vision\nurl: http://x/y\n',
  );
  const typed = ok(await osmo(user, ['dataset', 'label', 'labelled', '--set', 'epochs:numeric:3']));
  assert.equal(typed, 'team: vision\nurl: http://x/y\nepochs: 3\n');
  const info = JSON.parse(ok(await osmo(user, ['dataset', 'info', 'labelled', '-t', 'json']))) as {
    labels: Record<string, unknown>;
  };
  assert.deepEqual(info.labels, { team: 'vision', url: 'http://x/y', epochs: 3 });

  const bad = await osmo(user, ['dataset', 'label', 'labelled', '--set', 'novalue']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stdout + bad.stderr, /expected key:type:value .* or key=value/);
});
