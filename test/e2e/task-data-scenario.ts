// What `osmo data` inside a task must do with its user's DATA credential, on every backend: move data
// with it, never show it in the log, and leave no decrypted copy behind once the attempt ended.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestS3Server } from '../../src/storage/testing/s3-test-server.js';
import { S3Storage } from '../../src/storage/index.js';
import { eventually, osmo } from './harness.js';

/** A key pair of the user's own, which the test S3 server must accept (`allowTestS3Key`). */
export const USER_KEY = { id: 'ALICEKEY0TASKDATA', secret: 'alice-secret-9f3b2c7d1e' } as const;

export interface TaskDataSetting {
  readonly s3: TestS3Server;
  /** The bucket the user's credential is for. */
  readonly bucket: string;
  /** The S3 endpoint as the task reaches it (the override URL the user stores). */
  readonly taskEndpoint: string;
  /** The login directory of the workflow's user. */
  readonly user: string;
  readonly specs: string;
  readonly image: string;
  /** The service's data directory: nothing in it may hold the secret in clear afterwards. */
  readonly dataDir: string;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

export async function runTaskDataScenario(setting: TaskDataSetting): Promise<void> {
  const set = await osmo(setting.user, [
    'credential',
    'set',
    'task-data',
    '--type',
    'DATA',
    '--payload',
    `endpoint=s3://${setting.bucket}`,
    `access_key_id=${USER_KEY.id}`,
    `access_key=${USER_KEY.secret}`,
    `override_url=${setting.taskEndpoint}`,
    'addressing_style=path',
  ]);
  assert.equal(set.code, 0, set.stdout + set.stderr);
  const remote = `s3://${setting.bucket}/from-task`;
  const script = [
    'mkdir -p {{output}}/up {{output}}/down',
    'echo "written in the task" > {{output}}/up/greeting.txt',
    `osmo data upload ${remote} {{output}}/up/greeting.txt; echo "upload-exit=$?"`,
    `osmo data list ${remote} --no-pager; echo "list-exit=$?"`,
    `osmo data download ${remote} {{output}}/down; echo "download-exit=$?"`,
    'echo "downloaded=$(cat {{output}}/down/greeting.txt)"',
    // The log masks the credential even when the task prints where the CLI keeps it.
    'cat "$OSMO_CONFIG_FILE_DIR/config.yaml"',
  ].join('\n');
  const file = join(setting.specs, 'task-data.yaml');
  await writeFile(
    file,
    `workflow:
  name: task-data
  tasks:
  - name: move
    image: ${setting.image}
    command: ['sh', '-c']
    args:
    - |
${script
  .split('\n')
  .map((line) => `      ${line}`)
  .join('\n')}
`,
  );
  const submitted = await osmo(setting.user, ['workflow', 'submit', file]);
  assert.equal(submitted.code, 0, submitted.stdout + submitted.stderr);
  const id = /Workflow ID\s+-\s+(\S+)/.exec(submitted.stdout)?.[1];
  assert.ok(id, submitted.stdout);
  const status = await eventually(async () => {
    const q = await osmo(setting.user, ['workflow', 'query', id, '--format-type', 'json']);
    if (q.code !== 0) return null;
    const s = (JSON.parse(q.stdout) as { status: string }).status;
    return s === 'COMPLETED' || s.startsWith('FAILED') ? s : null;
  }, 120_000);
  const logs = (await osmo(setting.user, ['workflow', 'logs', id], 150_000)).stdout;
  assert.equal(status, 'COMPLETED', logs);
  assert.match(logs, /upload-exit=0/, logs);
  assert.match(logs, /list-exit=0/, logs);
  assert.match(logs, /from-task\/greeting\.txt/, logs);
  assert.match(logs, /download-exit=0/, logs);
  assert.match(logs, /downloaded=written in the task/, logs);
  // The task's CLI keeps the credential under its endpoint, as a workstation does; the log masks it.
  assert.match(logs, new RegExp(`"s3://${setting.bucket}"`), logs);
  assert.match(logs, /"access_key": "\[MASKED\]"/, logs);
  assert.match(logs, /"access_key_id": "\[MASKED\]"/, logs);
  assert.doesNotMatch(logs, new RegExp(USER_KEY.secret), logs);

  // The object is in the user's bucket, written with the user's key.
  const bucket = new S3Storage({
    bucket: setting.bucket,
    rootPrefix: '',
    region: 'us-east-1',
    endpointUrl: setting.s3.endpointUrl,
    pathStyle: true,
    credentials: { accessKeyId: USER_KEY.id, secretAccessKey: USER_KEY.secret },
  });
  const stored = await bucket.getBytes('from-task/greeting.txt');
  assert.equal(stored.toString('utf8'), 'written in the task\n');

  // The decrypted copy lived in the attempt's files only: nothing the service keeps holds it now.
  const holders: string[] = [];
  for (const path of await filesUnder(setting.dataDir)) {
    const contents = await readFile(path).catch(() => Buffer.alloc(0));
    if (contents.includes(USER_KEY.secret)) holders.push(path);
  }
  assert.deepEqual(holders, []);
}
