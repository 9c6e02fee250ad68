// Workflow tags from the workflow config: `GET /api/tag` lists workflow_info.tags, and only those may be added.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ServiceProcess } from './harness.js';
import { loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

const CONFIG = {
  backends: [{ name: 'local' }],
  pools: { default: { backend: 'local', default_platform: 'cpu', platforms: { cpu: {} } } },
  workflow: { workflow_info: { tags: ['nightly', 'release'] } },
};

let service: ServiceProcess;
let dir: string;
let user: string;

before(async () => {
  dir = await tempDir('tags');
  const configFile = join(dir, 'osmo.json');
  await writeFile(configFile, JSON.stringify(CONFIG));
  service = await startServiceProcess({ args: ['--config', configFile] });
  user = await loginAs(service.url, 'tess');
});
after(async () => {
  await service.stop();
  for (const d of [dir, user, service.dataDir]) await removeDir(d);
});

test('the allowed tags are listed, added, refused when not allowed, and removed', async () => {
  const listed = await osmo(user, ['workflow', 'tag']);
  assert.equal(listed.code, 0, listed.stdout + listed.stderr);
  assert.equal(listed.stdout, 'Tags:\n- nightly\n- release\n');

  const spec = join(dir, 'w.yaml');
  await writeFile(
    spec,
    'workflow:\n  name: tagged\n  tasks:\n    - name: t\n      image: ubuntu\n      command: ["true"]\n',
  );
  const submitted = await osmo(user, ['workflow', 'submit', spec]);
  assert.equal(submitted.code, 0, submitted.stdout + submitted.stderr);
  const id = /Workflow ID\s+-\s+(\S+)/.exec(submitted.stdout)?.[1] ?? '';
  const tagsOf = async (): Promise<string[]> =>
    (JSON.parse((await osmo(user, ['workflow', 'query', id, '-t', 'json'])).stdout) as { tags: string[] })
      .tags;

  const added = await osmo(user, ['workflow', 'tag', '-w', id, '-a', 'nightly']);
  assert.equal(added.code, 0, added.stdout + added.stderr);
  assert.match(added.stdout, new RegExp(`Workflow ${id} updated\\.`));
  assert.deepEqual(await tagsOf(), ['nightly']);

  const refused = await osmo(user, ['workflow', 'tag', '-w', id, '-a', 'random']);
  assert.match(
    refused.stdout + refused.stderr,
    /Invalid tag detected: random \(allowed tags: nightly, release;/,
  );
  assert.deepEqual(await tagsOf(), ['nightly']);

  const removed = await osmo(user, ['workflow', 'tag', '-w', id, '-r', 'nightly']);
  assert.equal(removed.code, 0, removed.stdout + removed.stderr);
  assert.deepEqual(await tagsOf(), []);
});
