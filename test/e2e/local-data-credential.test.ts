// `credential set --type DATA` keeps the machine's copy that `osmo data` reads: written 0600, shown in
// the Local column, removed with the credential, and the skill's `secret_key=` spelling accepted.
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { loginAs, osmo, tempDir } from './harness.js';
import { startS3Service, type S3Service } from './s3-service.js';

let env: S3Service;
let cli: string;

before(async () => {
  env = await startS3Service(['osmo', 'results']);
  cli = await loginAs(env.service.url, 'dana');
});

after(async () => {
  await env.stop();
});

const configYaml = async (): Promise<{ auth?: { data?: Record<string, Record<string, string>> } }> =>
  parse(await readFile(join(cli, 'config.yaml'), 'utf8')) as {
    auth?: { data?: Record<string, Record<string, string>> };
  };

test('a DATA credential is stored on this machine, listed as local, used by osmo data, and removed with it', async () => {
  const set = await osmo(cli, [
    'credential',
    'set',
    'results-store',
    '--type',
    'DATA',
    '--payload',
    'endpoint=s3://results/',
    'access_key_id=S3RVER',
    'secret_key=S3RVER',
    `override_url=${env.s3.endpointUrl}`,
    'addressing_style=path',
  ]);
  assert.equal(set.code, 0, set.stdout + set.stderr);
  assert.equal(set.stdout, 'Set DATA credential results-store.\n');
  assert.equal((await stat(join(cli, 'config.yaml'))).mode & 0o777, 0o600);
  assert.deepEqual((await configYaml()).auth?.data?.['s3://results'], {
    access_key_id: 'S3RVER',
    access_key: 'S3RVER',
    override_url: env.s3.endpointUrl,
    addressing_style: 'path',
  });

  const generic = await osmo(cli, ['credential', 'set', 'token-x', '--payload', 'k=v']);
  assert.equal(generic.code, 0, generic.stdout);
  const listed = await osmo(cli, ['credential', 'list']);
  assert.equal(listed.code, 0, listed.stdout);
  assert.match(listed.stdout, /^results-store\s+DATA\s+s3:\/\/results\s+Yes\s*$/m);
  assert.match(listed.stdout, /^token-x\s+GENERIC\s+None\s+N\/A\s*$/m);

  // The skill's flow: upload, then download into a directory that does not exist yet.
  const work = await tempDir('data-cred');
  await writeFile(join(work, 'metrics.json'), '{"loss": 0.1}\n');
  const up = await osmo(cli, ['data', 'upload', 's3://results/run1', join(work, 'metrics.json')]);
  assert.equal(up.code, 0, up.stdout + up.stderr);
  const into = join(work, 'fetched', 'run1');
  const down = await osmo(cli, ['data', 'download', 's3://results/run1', into]);
  assert.equal(down.code, 0, down.stdout + down.stderr);
  assert.equal(await readFile(join(into, 'metrics.json'), 'utf8'), '{"loss": 0.1}\n');

  const deleted = await osmo(cli, ['credential', 'delete', 'results-store']);
  assert.equal(deleted.code, 0, deleted.stdout);
  assert.equal((await configYaml()).auth?.data?.['s3://results'], undefined);
  const gone = await osmo(cli, ['data', 'list', 's3://results/run1', '--no-pager']);
  assert.equal(gone.code, 2);
  // The message names the command that fixes it, and its error code is the exit status.
  assert.match(
    gone.stdout,
    /Data credential not found for s3:\/\/results\. .*osmo credential set NAME --type DATA --payload endpoint=s3:\/\/results access_key_id=<key id> access_key=<secret key>/,
  );
  assert.match(gone.stdout, /\nError code: 2\n$/);
});

test('the service takes secret_key as the DATA secret too (for clients that send it as typed)', async () => {
  const login = await fetch(`${env.service.url}/api/auth/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'dana' }),
  });
  const { token } = (await login.json()) as { token: string };
  const r = await fetch(`${env.service.url}/api/credentials/raw-store`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      data_credential: { endpoint: 's3://results', access_key_id: 'S3RVER', secret_key: 'S3RVER' },
    }),
  });
  assert.equal(r.status, 200, await r.text());
});
