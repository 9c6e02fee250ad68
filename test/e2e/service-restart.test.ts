// A service killed with SIGKILL and started again on the same store loses nothing and leaves nothing RUNNING.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { eventually, loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await removeDir(dir);
});

test('after a SIGKILL, a running task is re-attached and finishes', async () => {
  const dataDir = await tempDir('restart');
  const specs = await tempDir('restart-specs');
  dirs.push(dataDir, specs);
  let service = await startServiceProcess({ dataDir });
  const user = await loginAs(service.url, 'dave');
  dirs.push(user);
  const file = join(specs, 'wf.yaml');
  await writeFile(
    file,
    `workflow:
  name: survivor
  tasks:
    - name: steady
      image: ubuntu
      command: ['sh', '-c', 'echo start; sleep 4; echo finished']
`,
  );
  const submitted = await osmo(user, ['workflow', 'submit', file]);
  const id = /Workflow ID\s+-\s+(\S+)/.exec(submitted.stdout)?.[1] ?? '';
  assert.ok(id, submitted.stdout);
  const status = async () =>
    (
      JSON.parse((await osmo(user, ['workflow', 'query', id, '--format-type', 'json'])).stdout) as {
        status: string;
      }
    ).status;
  await eventually(async () => ((await status()) === 'RUNNING' ? true : null));
  await service.kill();

  service = await startServiceProcess({ dataDir });
  // The login survives: the store and the signing key are the service's, not the process's.
  const url = service.url;
  const relogged = await loginAs(url, 'dave');
  dirs.push(relogged);
  const final = await eventually(async () => {
    const r = await osmo(relogged, ['workflow', 'query', id, '--format-type', 'json']);
    const s = (JSON.parse(r.stdout) as { status: string }).status;
    return s === 'RUNNING' || s === 'PENDING' ? null : s;
  }, 30_000);
  assert.equal(final, 'COMPLETED');
  const logs = await osmo(relogged, ['workflow', 'logs', id]);
  assert.equal(logs.stdout.match(/\[steady\] start/g)?.length, 1, logs.stdout);
  assert.match(logs.stdout, /\[steady\] finished/);
  await service.stop();
});
