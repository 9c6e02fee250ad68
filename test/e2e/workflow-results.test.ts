// What an agent reports about a run without reading the spec: dashboard and Grafana links from the
// backend config, the pool's backend by name, each task's outputs, and why a watched task failed.
import assert from 'node:assert/strict';
import { chmod, chown, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ServiceProcess } from './harness.js';
import { loginAs, osmo, startServiceProcess, tempDir } from './harness.js';

let service: ServiceProcess;
let cli: string;
let work: string;
let kept: string;

before(async () => {
  work = await tempDir('results');
  kept = await tempDir('results-kept');
  // Tasks run as an unprivileged uid in the sandbox: the directory they upload into is theirs.
  await chmod(kept, 0o755);
  if (process.getuid?.() === 0) await chown(kept, 100_000, 100_000);
  const config = join(work, 'pools.json');
  await writeFile(
    config,
    JSON.stringify({
      backends: [
        {
          name: 'local',
          dashboard_url: 'https://k8s-dash.example.com/',
          grafana_url: 'https://grafana.example.com/d/abc?orgId=1',
          k8s_namespace: 'osmo-workflows',
        },
      ],
      pools: { default: { backend: 'local', default_platform: 'cpu', platforms: { cpu: {} } } },
    }),
  );
  service = await startServiceProcess({ args: ['--config', config, '--allow-file-urls', kept] });
  cli = await loginAs(service.url, 'rita');
});

after(async () => {
  await service.stop();
});

const spec = (name: string, command: string, outputs = ''): string =>
  `workflow:\n  name: ${name}\n  tasks:\n  - name: main\n    image: ubuntu\n    command: [bash, -c, ${JSON.stringify(command)}]\n${outputs}`;

test('query JSON carries the backend by name, both links, and each task output', async () => {
  const file = join(work, 'producer.yaml');
  await writeFile(
    file,
    spec('producer', 'echo 42 > {{output}}/answer.txt', `    outputs:\n    - url: file://${kept}/answers\n`),
  );
  const submitted = await osmo(cli, ['workflow', 'submit', file, '--watch']);
  assert.equal(submitted.code, 0, submitted.stdout + submitted.stderr);
  const id = /Workflow ID\s+- (\S+)/.exec(submitted.stdout)?.[1] ?? '';
  assert.match(
    submitted.stdout,
    /^Workflow Dashboard - https:\/\/k8s-dash\.example\.com\/#\/search\?namespace=osmo-workflows&q=[0-9a-f]{16}$/m,
  );

  const query = await osmo(cli, ['workflow', 'query', id, '--format-type', 'json']);
  assert.equal(query.code, 0, query.stdout);
  const wf = JSON.parse(query.stdout) as {
    uuid: string;
    backend: string;
    outputs: string;
    dashboard_url: string | null;
    grafana_url: string | null;
    groups: { tasks: { pod_name: string; dashboard_url: string | null; outputs: unknown[] }[] }[];
  };
  const uuid16 = wf.uuid.slice(0, 16);
  assert.equal(wf.backend, 'local');
  assert.equal(wf.outputs, '');
  assert.equal(
    wf.dashboard_url,
    `https://k8s-dash.example.com/#/search?namespace=osmo-workflows&q=${uuid16}`,
  );
  // Ended within the hour: the window runs from the start, rounded up to an hour, to now.
  assert.equal(
    wf.grafana_url,
    `https://grafana.example.com/d/abc?orgId=1&var-namespace=osmo-workflows&var-uuid=${uuid16}&from=now-1h&to=now`,
  );
  const task = wf.groups[0]?.tasks[0];
  assert.equal(
    task?.dashboard_url,
    `https://k8s-dash.example.com/#/pod/osmo-workflows/${task?.pod_name}?namespace=osmo-workflows`,
  );
  assert.deepEqual(task?.outputs, [
    { url: `file://${join(service.dataDir, 'storage', 'workflows', id, 'outputs', 'main')}` },
    { url: `file://${kept}/answers` },
  ]);

  const listed = await osmo(cli, ['workflow', 'list', '--format-type', 'json']);
  const entry = (
    JSON.parse(listed.stdout) as { workflows: { name: string; dashboard_url: string | null }[] }
  ).workflows.find((w) => w.name === id);
  assert.equal(entry?.dashboard_url, wf.dashboard_url);
});

test('submit --watch names the failed task, its exit code and its failure; --logs streams its lines', async () => {
  const file = join(work, 'failing.yaml');
  await writeFile(file, spec('failing', 'echo starting; sleep 1; echo giving up; exit 7'));
  const watched = await osmo(cli, ['workflow', 'submit', file, '--watch', '--logs']);
  assert.equal(watched.code, 1, watched.stdout + watched.stderr);
  const id = /Workflow ID\s+- (\S+)/.exec(watched.stdout)?.[1] ?? '';
  const out = watched.stdout;
  assert.match(out, /^\S+ \S+ \[main\] starting$/m);
  assert.match(out, /^\S+ \S+ \[main\] giving up$/m);
  assert.match(out, /^Task main: FAILED\n {2}Exit code: 7\n {2}Failure: .*7.*\n/m);
  assert.match(out, new RegExp(`^ {2}Error log: osmo workflow logs ${id} --task main --error$`, 'm'));
  assert.match(out, new RegExp(`Workflow ${id}: FAILED\\n$`));
  // Every log line comes before the final status, and none is printed twice.
  assert.ok(out.indexOf('giving up') < out.indexOf(`Workflow ${id}: FAILED`));
  assert.equal(out.split('giving up').length, 2);
});
