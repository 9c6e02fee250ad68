// A failure while following an attempt ends that attempt with a status that names it; the service keeps serving.
import assert from 'node:assert/strict';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { processesWith } from '../../src/backends/contract.js';
import { eventually, loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await removeDir(dir);
});

interface QueriedTask {
  readonly status: string;
  readonly failure_message: string | null;
  readonly exit_code: number | null;
}

test('an attempt whose reports file cannot be read ends FAILED_BACKEND_ERROR and /health keeps answering', async () => {
  const service = await startServiceProcess();
  dirs.push(service.dataDir);
  const user = await loginAs(service.url, 'frank');
  const specs = await tempDir('faults-specs');
  dirs.push(user, specs);
  const marker = `600.${process.pid}7`;
  const file = join(specs, 'wf.yaml');
  await writeFile(
    file,
    `workflow:
  name: unreadable
  tasks:
    - name: stuck
      image: ubuntu
      command: ['sh', '-c', 'echo started; sleep ${marker}']
`,
  );
  const submitted = await osmo(user, ['workflow', 'submit', file]);
  const id = /Workflow ID\s+-\s+(\S+)/.exec(submitted.stdout)?.[1] ?? '';
  assert.ok(id, submitted.stdout + submitted.stderr);
  const task = async (): Promise<QueriedTask | undefined> =>
    (
      JSON.parse((await osmo(user, ['workflow', 'query', id, '--format-type', 'json'])).stdout) as {
        groups: { tasks: QueriedTask[] }[];
      }
    ).groups[0]?.tasks[0];
  await eventually(async () => ((await task())?.status === 'RUNNING' ? true : null));

  // The runtime keeps appending to the file it opened; the backend, reading the path, finds a directory.
  const attempt = join(service.dataDir, 'work', 'attempts', id, 'stuck-0');
  await rename(join(attempt, 'reports.jsonl'), join(attempt, 'reports.moved'));
  await mkdir(join(attempt, 'reports.jsonl'));

  const ended = await eventually(async () => {
    const t = await task();
    return t !== undefined && t.status !== 'RUNNING' ? t : null;
  });
  assert.equal(ended.status, 'FAILED_BACKEND_ERROR');
  assert.equal(ended.exit_code, 3001);
  assert.match(ended.failure_message ?? '', /reports\.jsonl/);
  const health = await fetch(`${service.url}/health`);
  assert.equal(health.status, 200);
  assert.equal(service.process.exitCode, null);
  // The attempt is over for the service, so its command must not run on unobserved.
  await eventually(async () => ((await processesWith(marker)).length === 0 ? true : null), 15_000);
  await service.stop();
});
