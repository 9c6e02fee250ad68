// End to end on a real one-node Slurm cluster: `osmo service start --backend slurm`, then through the
// real `osmo` executable a workflow whose first group is two tasks in one Slurm job, one reaching the
// other at {{host:server}}, and a second group that reads their output (a DAG).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import {
  slurmUnavailable,
  startSlurmCluster,
  type SlurmCluster,
} from '../../src/backends/slurm/slurm-fixture.js';
import type { ServiceProcess } from './harness.js';
import { eventually, loginAs, osmo, startServiceProcess, tempDir } from './harness.js';

const run = promisify(execFile);
const unavailable = slurmUnavailable();
let cluster: SlurmCluster | null = null;
let service: ServiceProcess | null = null;
let user = '';

before(async () => {
  if (unavailable !== null) return;
  cluster = await startSlurmCluster({ cpus: 8, name: 'osmoe2e' });
  service = await startServiceProcess({ args: ['--backend', 'slurm'], env: { SLURM_CONF: cluster.conf } });
  user = await loginAs(service.url, 'alice');
});
after(async () => {
  await service?.stop();
  await cluster?.stop();
});

const node = process.execPath;
// A port of its own: other test files may run servers on this host at the same time.
const port = 20_000 + Math.floor(Math.random() * 20_000);
const SERVER = `require('http').createServer((q, r) => { r.end('hello from server'); process.exit(0) }).listen(${port})`;
// The server may not listen yet when the client starts: it asks again until it answers.
const CLIENT = `const go = () => fetch('http://' + process.argv[1] + ':${port}').then((r) => r.text()).then((t) => { require('fs').writeFileSync(process.argv[2] + '/heard.txt', t); console.log('heard: ' + t) }, () => setTimeout(go, 200)); go()`;

test(
  'a two-task group with {{host:}} and a DAG run as Slurm jobs through osmo',
  { skip: unavailable ?? false },
  async () => {
    const dir = await tempDir('slurm-spec');
    const file = join(dir, 'pair.yaml');
    await writeFile(
      file,
      `workflow:
  name: slurm-pair
  groups:
    - name: pair
      tasks:
        - name: server
          image: ubuntu
          command: ['${node}', '-e', ${JSON.stringify(SERVER)}]
        - name: client
          lead: true
          image: ubuntu
          command: ['${node}', '-e', ${JSON.stringify(CLIENT)}, '{{host:server}}', '{{output}}']
    - name: after
      tasks:
        - name: report
          image: ubuntu
          command: ['sh', '-c', 'echo "report: $(cat {{input:0}}/heard.txt)"']
          inputs:
            - task: client
`,
    );
    const submitted = await osmo(user, ['workflow', 'submit', file]);
    assert.equal(submitted.code, 0, submitted.stdout + submitted.stderr);
    const id = /Workflow ID\s+-\s+(\S+)/.exec(submitted.stdout)?.[1];
    assert.ok(id, submitted.stdout);
    const status = await eventually(async () => {
      const q = await osmo(user, ['workflow', 'query', id, '--format-type', 'json']);
      const w = JSON.parse(q.stdout) as { status: string; end_time?: string | null };
      const ended = w.status === 'COMPLETED' || w.status.startsWith('FAILED');
      // Logs are read once the ended workflow's last lines have settled (the service's 1.5 s), so
      // `osmo workflow logs` prints them and returns instead of following.
      const endedAt = w.end_time ? Date.parse(`${w.end_time.replace(/Z$/, '')}Z`) : 0;
      return ended && Date.now() - endedAt > 2_000 ? w.status : null;
    }, 120_000);
    const query = (await osmo(user, ['workflow', 'query', id, '--format-type', 'json'])).stdout;
    const logs = (await osmo(user, ['workflow', 'logs', id])).stdout;
    assert.equal(status, 'COMPLETED', `${query}\n${logs}`);
    assert.match(logs, /heard: hello from server/);
    assert.match(logs, /report: hello from server/);
    assert.match(logs, /runs as a process on a Slurm node/);
    // Two groups, two Slurm jobs: the pair together in one, the report in the other.
    const { stdout } = await run('squeue', ['--noheader', '--states=all', '--format=%j|%D|%C|%T'], {
      env: cluster?.env,
    });
    const jobs = stdout
      .split('\n')
      .filter((l) => l.startsWith('osmo-'))
      .sort();
    assert.equal(jobs.length, 2, stdout);
    assert.deepEqual(jobs.map((l) => l.split('|').slice(2).join('|')).sort(), ['1|COMPLETED', '2|COMPLETED']);
  },
);
