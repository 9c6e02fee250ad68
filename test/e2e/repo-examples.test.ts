// Every spec under examples/ passes `osmo workflow validate` and `submit --dry-run` on a real service,
// so the examples the docs point at cannot rot.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ServiceProcess } from './harness.js';
import { REPO_ROOT, eventually, loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

const EXAMPLES = join(REPO_ROOT, 'examples');
/** Values an example documents in its header, passed as a user following it would. */
const VALUES: Readonly<Record<string, readonly string[]>> = {
  'templated-training.yaml': ['--set', 'epochs=5', 'model=resnet'],
  'checkpointing.yaml': ['--set-string', 'checkpoint_url=s3://example-bucket/ckpt'],
};

describe('examples/', () => {
  let service: ServiceProcess;
  let user: string;

  before(async () => {
    service = await startServiceProcess();
    user = await loginAs(service.url, 'alice');
  });

  after(async () => {
    await service?.stop();
    if (service) await removeDir(service.dataDir);
    if (user) await removeDir(user);
  });

  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));

  test('the examples the docs name are all there', () => {
    for (const name of [
      'quickstart.yaml',
      'parallel-host.yaml',
      'dag-data.yaml',
      'templated-training.yaml',
      'dataset-pipeline.yaml',
      'checkpointing.yaml',
    ])
      assert.ok(files.includes(name), name);
  });

  for (const file of files) {
    test(`${file}: validate and dry-run succeed`, async () => {
      const args = [join(EXAMPLES, file), ...(VALUES[file] ?? [])];
      const validated = await osmo(user, ['workflow', 'validate', ...args]);
      assert.equal(validated.code, 0, validated.stdout + validated.stderr);
      const dry = await osmo(user, ['workflow', 'submit', '--dry-run', ...args]);
      assert.equal(dry.code, 0, dry.stdout + dry.stderr);
    });
  }

  // The examples that need no bucket run to completion here, and say what they promise.
  for (const [file, expected] of [
    ['dag-data.yaml', /report: words=4 chars=19/],
    ['parallel-host.yaml', /server got: ping from client/],
    ['dataset-pipeline.yaml', /\[summarize\] 3$/m],
    ['templated-training.yaml', /evaluating tiny: 2 epochs logged/],
  ] as const) {
    test(`${file} runs to COMPLETED`, async () => {
      const submitted = await osmo(user, ['workflow', 'submit', join(EXAMPLES, file)]);
      assert.equal(submitted.code, 0, submitted.stdout + submitted.stderr);
      const id = /Workflow ID\s+-\s+(\S+)/.exec(submitted.stdout)?.[1] ?? '';
      const status = await eventually(async () => {
        const q = await osmo(user, ['workflow', 'query', id, '--format-type', 'json']);
        const s = (JSON.parse(q.stdout) as { status: string }).status;
        return /^(COMPLETED|FAILED)/.test(s) ? s : null;
      }, 60_000);
      const logs = await osmo(user, ['workflow', 'logs', id]);
      assert.equal(status, 'COMPLETED', logs.stdout);
      assert.match(logs.stdout, expected);
    });
  }

  test('--set reaches the rendered spec: the name, the epochs and the {% if %} branch', async () => {
    const dry = await osmo(user, [
      'workflow',
      'submit',
      '--dry-run',
      join(EXAMPLES, 'templated-training.yaml'),
      ...(VALUES['templated-training.yaml'] ?? []),
    ]);
    assert.equal(dry.code, 0, dry.stdout + dry.stderr);
    assert.match(dry.stdout, /name: train-resnet/);
    assert.match(dry.stdout, /seq 1 5/);
    assert.match(dry.stdout, /long run: 5 epochs/);
    const defaults = await osmo(user, [
      'workflow',
      'submit',
      '--dry-run',
      join(EXAMPLES, 'templated-training.yaml'),
    ]);
    assert.match(defaults.stdout, /seq 1 2/);
    assert.doesNotMatch(defaults.stdout, /long run/);
  });
});

test("the admin guide's configuration file starts a service that accepts the quickstart", async () => {
  const guide = readFileSync(join(REPO_ROOT, 'docs', 'admin-guide.md'), 'utf8');
  const section = guide.slice(guide.indexOf('## The configuration file'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(yaml, 'the guide has a YAML configuration example');
  const dir = await tempDir('admin-guide');
  const file = join(dir, 'config.yaml');
  await writeFile(file, yaml);
  const service = await startServiceProcess({ args: ['--config', file] });
  const user = await loginAs(service.url, 'alice');
  try {
    const pools = await osmo(user, ['pool', 'list']);
    assert.match(pools.stdout, /Everyone's pool/, pools.stdout + pools.stderr);
    const r = await osmo(user, ['workflow', 'validate', join(EXAMPLES, 'quickstart.yaml')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  } finally {
    await service.stop();
    for (const d of [service.dataDir, user, dir]) await removeDir(d);
  }
});
