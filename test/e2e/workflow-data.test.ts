// End to end: a service on S3 storage (s3rver on loopback), task outputs, url: outputs, checkpoints, logs in storage.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { S3Storage } from '../../src/storage/index.js';
import type { ServiceProcess } from './harness.js';
import { startS3Service, type S3Service } from './s3-service.js';
import { eventually, loginAs, osmo, removeDir, tempDir } from './harness.js';

let env: S3Service;
let service: ServiceProcess;
let user: string;
let work: string;

const bucket = (name: string): S3Storage => env.bucket(name);

before(async () => {
  env = await startS3Service(['osmo', 'results']);
  service = env.service;
  user = await loginAs(service.url, 'dana');
  work = await tempDir('data-e2e');
  await env.writeDataCredential(user, 'results');
});
after(async () => {
  await env.stop();
  await removeDir(work);
});

const SPEC = `workflow:
  name: data-flow
  tasks:
  - name: producer
    image: ubuntu
    command: [sh, -c]
    args:
    - |
      mkdir -p {{output}}/ck
      echo step > {{output}}/ck/state.txt
      for i in $(seq 1 200); do echo "file $i" > {{output}}/f$i.txt; done
      sleep 6
    checkpoint:
    - path: "{{output}}/ck"
      url: s3://results/ckpt
      frequency: 1s
    outputs:
    - url: s3://results/out
  - name: consumer
    image: ubuntu
    inputs:
    - task: producer
    command: [sh, -c]
    args: ["test $(ls {{input:0}}/f*.txt | wc -l) -eq 200 && cat {{input:0}}/f200.txt"]
`;

test('200 files flow from {{output}} to {{input:0}}; url output, checkpoint and logs live in S3', async () => {
  const file = join(work, 'flow.yaml');
  await writeFile(file, SPEC);
  const submitted = await osmo(user, ['workflow', 'submit', file]);
  assert.equal(submitted.code, 0, submitted.stdout + submitted.stderr);
  const id = /Workflow ID\s+-\s+(\S+)/.exec(submitted.stdout)?.[1] ?? '';

  // The checkpoint appears while the producer still sleeps.
  await eventually(async () => ((await bucket('results').exists('ckpt/state.txt')) ? true : null), 20_000);
  const during = await osmo(user, ['workflow', 'query', id, '--format-type', 'json']);
  assert.match(during.stdout, /"status": "RUNNING"/);

  const done = await eventually(async () => {
    const q = await osmo(user, ['workflow', 'query', id, '--format-type', 'json']);
    const status = (JSON.parse(q.stdout) as { status: string }).status;
    return /^(COMPLETED|FAILED)/.test(status) ? status : null;
  }, 60_000);
  assert.equal(done, 'COMPLETED');
  assert.equal((await bucket('osmo').list(`deploy/workflows/${id}/outputs/producer/`)).length, 201);

  // The url: output, read back with osmo data as the seed's "fetch workflow data" flow does.
  const listed = await osmo(user, ['data', 'list', 's3://results/out', '--no-pager']);
  assert.match(listed.stdout, /Total 201 objects found/);
  const dest = join(work, 'fetched');
  await mkdir(dest);
  const fetched = await osmo(user, ['data', 'download', 's3://results/out', dest]);
  assert.equal(fetched.code, 0, fetched.stdout + fetched.stderr);
  assert.equal((await readdir(dest)).filter((f) => f.endsWith('.txt')).length, 200);
  assert.equal(await readFile(join(dest, 'f7.txt'), 'utf8'), 'file 7\n');

  // Logs are archived to storage; with the local copies gone they are still served, in full.
  const archived = `deploy/workflows/${id}/logs/workflow_logs.txt`;
  await eventually(async () => ((await bucket('osmo').exists(archived)) ? true : null), 20_000);
  await rm(join(service.dataDir, 'logs', id), { recursive: true, force: true });
  const logs = await osmo(user, ['workflow', 'logs', id]);
  assert.match(logs.stdout, /\[producer\]\[osmo\] Checkpointing data from .*ck to s3:\/\/results\/ckpt/);
  assert.match(logs.stdout, /\[consumer\] file 200/);
  const tail = await osmo(user, ['workflow', 'logs', id, '-t', 'consumer', '-n', '1']);
  assert.equal(
    tail.stdout
      .trim()
      .split('\n')
      .filter((l) => /^\d{4}\//.test(l)).length,
    1,
  );
});
