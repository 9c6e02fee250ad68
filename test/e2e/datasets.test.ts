// End to end: datasets through the real service (storage on s3rver) and bin/osmo: versions share unchanged files.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { S3Storage } from '../../src/storage/index.js';
import type { ServiceProcess } from './harness.js';
import { startS3Service, type S3Service } from './s3-service.js';
import { OSMO_BIN, eventually, loginAs, osmo, removeDir, tempDir } from './harness.js';

let env: S3Service;
let service: ServiceProcess;
let user: string;
let work: string;

const deployment = (): S3Storage => env.bucket('osmo');

before(async () => {
  env = await startS3Service(['osmo']);
  service = env.service;
  user = await loginAs(service.url, 'erin');
  work = await tempDir('dataset-e2e');
  await env.writeDataCredential(user, 'osmo');
});
after(async () => {
  await env.stop();
  await removeDir(work);
});

const ok = (r: { code: number; stdout: string; stderr: string }): string => {
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return r.stdout;
};

/** `osmo` with text on stdin (the delete prompt). */
function osmoWithInput(args: readonly string[], input: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [OSMO_BIN, ...args], {
      env: { ...process.env, OSMO_CONFIG_FILE_DIR: user, NO_COLOR: '1' },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stdin.end(input);
    child.once('exit', (code) => resolve({ code: code ?? -1, stdout }));
  });
}

test('upload two versions, inspect, download, then delete with the prompt', async () => {
  const src = join(work, 'src');
  await mkdir(join(src, 'sub'), { recursive: true });
  for (let i = 0; i < 5; i++) await writeFile(join(src, `f${i}.txt`), `content ${i}\n`);
  await writeFile(join(src, 'sub', 'deep.txt'), 'deep\n');
  ok(await osmo(user, ['dataset', 'upload', 'imgs', `${src}/*`, '--desc', 'first']));
  const hashes = async (): Promise<number> =>
    (await deployment().list('deploy/datasets/')).filter((o) => o.key.includes('/hashes/')).length;
  assert.equal(await hashes(), 6);

  await writeFile(join(src, 'f3.txt'), 'changed\n');
  ok(await osmo(user, ['dataset', 'upload', 'imgs:gold', `${src}/*`]));
  assert.equal(await hashes(), 7, 'a version changing one file stores one new object');

  const listed = ok(await osmo(user, ['dataset', 'list']));
  assert.match(listed, /^Bucket\s+Name\s+ID\s+Created Date/);
  assert.match(listed, /osmo\s+imgs\s+\S{22}\s.*\s2\s+\S+ B\s+DATASET/);
  const info = JSON.parse(ok(await osmo(user, ['dataset', 'info', 'imgs', '-t', 'json']))) as {
    versions: { version: string; status: string; tags: string[]; metadata: Record<string, unknown> }[];
  };
  assert.deepEqual(
    info.versions.map((v) => [v.version, v.status, v.tags]),
    [
      ['1', 'READY', []],
      ['2', 'READY', ['gold', 'latest']],
    ],
  );
  assert.equal(info.versions[0]?.metadata['description'], 'first');
  assert.match(ok(await osmo(user, ['dataset', 'info', 'imgs'])), /Version\s+Status\s+Created By/);
  assert.equal(
    ok(await osmo(user, ['dataset', 'inspect', 'osmo/imgs:1'])),
    'f0.txt\nf1.txt\nf2.txt\nf3.txt\nf4.txt\nsub/deep.txt\n',
  );
  assert.match(
    ok(await osmo(user, ['dataset', 'inspect', 'imgs', '-t', 'tree'])),
    /└── sub\n {4}└── deep.txt/,
  );
  assert.match(
    ok(await osmo(user, ['bucket', 'list'])),
    /osmo \(default\)\s+.*s3:\/\/osmo\/deploy\/datasets/,
  );

  const v1 = join(work, 'v1');
  await mkdir(v1);
  ok(await osmo(user, ['dataset', 'download', 'imgs:1', v1]));
  assert.equal(await readFile(join(v1, 'f3.txt'), 'utf8'), 'content 3\n');
  assert.equal(await readFile(join(v1, 'sub', 'deep.txt'), 'utf8'), 'deep\n');
  const again = await osmo(user, ['dataset', 'download', 'imgs:1', v1]);
  assert.match(again.stderr + again.stdout, /is not empty/);

  const no = await osmoWithInput(['dataset', 'delete', 'imgs', '--all'], 'maybe\nn\n');
  assert.match(no.stdout, /Invalid input/);
  assert.equal(
    (JSON.parse(ok(await osmo(user, ['dataset', 'info', 'imgs', '-t', 'json']))) as { versions: unknown[] })
      .versions.length,
    2,
  );
  const yes = await osmoWithInput(['dataset', 'delete', 'imgs', '--all'], 'y\n');
  assert.equal(yes.code, 0, yes.stdout);
  assert.match(yes.stdout, /Dataset imgs version 1 bucket osmo has been marked as PENDING_DELETE\./);
  assert.match(yes.stdout, /Dataset imgs in bucket osmo has been deleted\.\nCleaned up \d+(\.\d)? (B|KiB)\./);
  assert.equal(await hashes(), 0);
  assert.match(ok(await osmo(user, ['dataset', 'list'])), /No Datasets fit your query\./);
});

const FLOW = `workflow:
  name: dataset-flow
  tasks:
  - name: producer
    image: ubuntu
    inputs:
    - dataset:
        name: raw
    command: [sh, -c]
    args:
    - |
      mkdir -p {{output}}/result
      cat {{input:0}}/a.txt {{input:0}}/d/b.txt > {{output}}/result/joined.txt
      echo skip > {{output}}/other.txt
    outputs:
    - dataset:
        name: derived:v1
        path: result
  - name: consumer
    image: ubuntu
    inputs:
    - task: producer
    - dataset:
        name: osmo/derived:v1
    command: [sh, -c]
    args: ["cat {{input:1}}/joined.txt"]
`;

const LATER = `workflow:
  name: dataset-later
  tasks:
  - name: reader
    image: ubuntu
    inputs:
    - dataset:
        name: derived:v1
    command: [sh, -c, "cat {{input:0}}/joined.txt"]
`;

test('a workflow reads a dataset: input and writes a dataset: output a later task reads by tag', async () => {
  const raw = join(work, 'raw');
  await mkdir(join(raw, 'd'), { recursive: true });
  await writeFile(join(raw, 'a.txt'), 'alpha\n');
  await writeFile(join(raw, 'd', 'b.txt'), 'beta\n');
  ok(await osmo(user, ['dataset', 'upload', 'raw', `${raw}/*`]));
  const file = join(work, 'flow.yaml');
  await writeFile(file, FLOW);
  const id = /Workflow ID\s+-\s+(\S+)/.exec(ok(await osmo(user, ['workflow', 'submit', file])))?.[1] ?? '';
  const done = await eventually(async () => {
    const q = await osmo(user, ['workflow', 'query', id, '--format-type', 'json']);
    const status = (JSON.parse(q.stdout) as { status: string }).status;
    return /^(COMPLETED|FAILED)/.test(status) ? status : null;
  }, 60_000);
  const logs = ok(await osmo(user, ['workflow', 'logs', id]));
  assert.equal(done, 'COMPLETED', logs);
  assert.match(logs, /\[consumer\] alpha\n.*\[consumer\] beta/);
  assert.equal(ok(await osmo(user, ['dataset', 'inspect', 'derived:v1'])), 'joined.txt\n');
  const out = join(work, 'derived');
  await mkdir(out);
  ok(await osmo(user, ['dataset', 'download', 'derived', out]));
  assert.equal(await readFile(join(out, 'joined.txt'), 'utf8'), 'alpha\nbeta\n');

  // A later workflow consumes the output by its tag.
  const later = join(work, 'later.yaml');
  await writeFile(later, LATER);
  const r = await osmo(user, ['workflow', 'submit', later, '--watch']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const laterId = /Workflow ID\s+-\s+(\S+)/.exec(r.stdout)?.[1] ?? '';
  assert.match(ok(await osmo(user, ['workflow', 'logs', laterId])), /\[reader\] alpha\n.*\[reader\] beta/);
});
