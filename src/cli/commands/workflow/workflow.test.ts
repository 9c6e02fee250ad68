import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  fakeJwt,
  fixture,
  startCannedServer,
  type CannedServer,
  type RecordedRequest,
} from '../../../../test/fixtures/cli/canned-server.js';
import { loginTo, runOsmo, tempConfigDir } from '../../../../test/fixtures/cli/harness.js';

const submitOk = {
  name: 'gr00t-train-1',
  overview: 'https://osmo.example.com/workflows/gr00t-train-1',
  logs: null,
  spec: null,
  dashboard_url: 'https://k8s.example.com/dashboard/gr00t-train-1',
  warnings: [],
};

describe('osmo workflow against a canned service', () => {
  let server: CannedServer;
  let config: string;
  let listCalls = 0;
  const statuses = ['PENDING', 'RUNNING', 'COMPLETED'];
  let polls = 0;
  before(async () => {
    server = await startCannedServer({
      'GET /api/profile/settings': () => ({ json: { profile: { pool: 'h100-east' } } }),
      'POST /api/pool/h100-east/workflow': (req: RecordedRequest) => {
        const body = (req.body === '' ? { file: '' } : JSON.parse(req.body)) as { file: string };
        if (req.query.get('dry_run') === 'True') {
          return {
            json: {
              ...submitOk,
              spec: 'workflow:\n  name: rendered\n  tasks:\n  - name: t\n    files:\n    - path: /a\n      localpath: data.txt\n',
            },
          };
        }
        if (body.file.includes('too-big')) {
          return {
            status: 400,
            json: { message: 'capacity exceeded', error_code: 'RESOURCE', workflow_id: null },
          };
        }
        return { json: submitOk };
      },
      'GET /api/workflow': (req) => {
        listCalls += 1;
        const all = (JSON.parse(fixture('workflow_list.json')) as { workflows: unknown[] }).workflows;
        const offset = Number(req.query.get('offset'));
        const limit = Number(req.query.get('limit'));
        return {
          json: { workflows: all.slice(offset, offset + limit), more_entries: offset + limit < all.length },
        };
      },
      'GET /api/workflow/gr00t-train-1': () => ({
        json: JSON.parse(fixture('workflow_query_single_task.json')),
      }),
      'GET /api/workflow/watch-1': () => {
        const status = statuses[Math.min(polls++, statuses.length - 1)] ?? 'COMPLETED';
        const task = status === 'PENDING' ? 'WAITING' : status;
        // A whole answer (the client checks it against the contract), from the fixture's shape.
        const wf = JSON.parse(fixture('workflow_query_single_task.json')) as {
          groups: { tasks: object[] }[];
        };
        const [group] = wf.groups;
        const [first] = group?.tasks ?? [];
        return {
          json: {
            ...wf,
            name: 'watch-1',
            status,
            groups: [
              {
                ...group,
                name: 'g',
                status: task,
                tasks: [{ ...first, name: 't', retry_id: 0, status: task, start_time: null }],
              },
            ],
          },
        };
      },
      'GET /api/workflow/gr00t-train-1/logs': () => ({
        chunks: ['2026/05/05 18:01:30 [train] epoch 1\n', '2026/05/05 18:01:31 [train] epoch 2\n'],
        delayMs: 20,
      }),
      'GET /api/workflow/broken-1/logs': () => ({ chunks: ['partial line\n'], delayMs: 30, abort: true }),
      'POST /api/workflow/ok-1/cancel': () => ({ json: { name: 'ok-1' } }),
      'POST /api/workflow/done-1/cancel': () => ({
        status: 400,
        json: { message: 'Workflow done-1 is already finished.', error_code: 'USER' },
      }),
    });
    config = tempConfigDir();
    await loginTo(config, server.url, fakeJwt({ exp: Math.floor(Date.now() / 1000) + 3600 }));
  });
  after(() => server.close());

  test('submit prints the upstream text and sends the pool from the profile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'osmo-spec-'));
    writeFileSync(
      join(dir, 'wf.yaml'),
      'workflow:\n  name: plain\n  tasks:\n  - name: t\n    image: ubuntu\n',
    );
    const run = await runOsmo(config, ['workflow', 'submit', join(dir, 'wf.yaml')]);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, fixture('submit_response.txt').trimEnd() + '\n');
    const last = server.requests.at(-1);
    assert.equal(last?.query.get('dry_run'), null);
    assert.equal(last?.headers['authorization']?.startsWith('Bearer '), true);
    assert.deepEqual(JSON.parse(last?.body ?? '{}'), {
      file: 'workflow:\n  name: plain\n  tasks:\n  - name: t\n    image: ubuntu\n',
      set_variables: [],
      set_string_variables: [],
      uploaded_templated_spec: null,
    });
  });

  test('templated submit renders first, inlines localpath files, then submits with the template', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'osmo-spec-'));
    writeFileSync(join(dir, 'data.txt'), 'hello\n');
    const template = 'workflow:\n  name: {{ name }}\n';
    writeFileSync(join(dir, 'wf.yaml'), template);
    const run = await runOsmo(config, [
      'workflow',
      'submit',
      join(dir, 'wf.yaml'),
      '--set',
      'name=x',
      '--set-env',
      'A=1',
      '--priority',
      'low',
      '--label',
      'team=a',
    ]);
    assert.equal(run.code, 0, run.stdout);
    assert.ok(run.stdout.endsWith('\nWARNING: LOW priority can be preempted during the run.\n'));
    const [render, final] = server.requests.slice(-2);
    assert.equal(render?.query.get('dry_run'), 'True');
    assert.equal(final?.query.get('dry_run'), 'False');
    assert.equal(final?.query.get('priority'), 'LOW');
    assert.deepEqual(final?.query.getAll('env_vars'), ['A=1']);
    assert.deepEqual(final?.query.getAll('label'), ['team=a']);
    const body = JSON.parse(final?.body ?? '{}') as {
      file: string;
      uploaded_templated_spec: string;
      set_variables: string[];
    };
    assert.equal(body.uploaded_templated_spec, template);
    assert.deepEqual(body.set_variables, ['name=x']);
    assert.match(body.file, /contents: "hello\\n"|contents: \|\n\s+hello/);
    assert.doesNotMatch(body.file, /localpath/);
  });

  test('submit --dry-run prints the rendered spec even with JSON output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'osmo-spec-'));
    writeFileSync(join(dir, 'wf.yaml'), 'workflow:\n  name: plain\n');
    const run = await runOsmo(config, [
      'workflow',
      'submit',
      join(dir, 'wf.yaml'),
      '--dry-run',
      '--form',
      'json',
    ]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^workflow:\n {2}name: rendered/);
  });

  test('a RESOURCE rejection is wrapped as a submission error with exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'osmo-spec-'));
    writeFileSync(join(dir, 'wf.yaml'), 'workflow:\n  name: too-big\n');
    const run = await runOsmo(config, ['workflow', 'submit', join(dir, 'wf.yaml')]);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, 'Error message: Workflow submit failed:\ncapacity exceeded\nError code: 1\n');
  });

  test('a missing file that is not a workflow ID is a submission error', async () => {
    const run = await runOsmo(config, ['workflow', 'submit', 'nope.yaml']);
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      /^Error message: Workflow file nope.yaml does not exist\. Give the path of a workflow YAML file, or the ID of a workflow to resubmit\.\nError code: 1\n$/,
    );
  });

  test('resubmitting by workflow ID sends workflow_id and no body', async () => {
    const run = await runOsmo(config, ['workflow', 'submit', 'gr00t-train-1', '-p', 'h100-east']);
    assert.equal(run.code, 0);
    const last = server.requests.at(-1);
    assert.equal(last?.query.get('workflow_id'), 'gr00t-train-1');
    assert.equal(last?.body, '');
    const refused = await runOsmo(config, ['workflow', 'submit', 'gr00t-train-1', '--dry-run']);
    assert.equal(refused.code, 0);
    assert.equal(
      refused.stderr,
      'Please remove the --dry-run flag when submitting a workflow using a workflow ID.\n',
    );
  });

  test('list pages newest-first and reverses for asc; JSON drops more_entries', async () => {
    listCalls = 0;
    const run = await runOsmo(config, ['workflow', 'list', '-c', '3', '--format-type', 'json']);
    assert.equal(run.code, 0);
    const shown = JSON.parse(run.stdout) as { workflows: { name: string }[]; more_entries?: boolean };
    assert.deepEqual(
      shown.workflows.map((w) => w.name),
      ['rl-train-stuck-10', 'sdg-isaac-1', 'gr00t-train-1'],
    );
    assert.equal(shown.more_entries, undefined);
    const req = server.requests.at(-1);
    assert.equal(req?.query.get('order'), 'DESC');
    assert.equal(req?.query.get('all_pools'), 'True');
    assert.equal(req?.query.get('limit'), '3');
    assert.equal(listCalls, 1);
  });

  test('list text table uses UTC display time and dashes for labels', async () => {
    const run = await runOsmo(config, ['workflow', 'list', '-c', '1', '-o', 'desc']);
    const lines = run.stdout.split('\n');
    assert.match(
      lines[0] ?? '',
      /^User {15}Workflow ID {5}Submit Time {14}Status {4}Priority {3}Labels {3}Overview/,
    );
    assert.match(
      lines[2] ?? '',
      /^user@example.com {3}gr00t-train-1 {3}May 05, 2026 18:00 UTC {3}RUNNING {3}NORMAL {5}- {8}https:/,
    );
  });

  test('query renders the summary and task table from the fixture', async () => {
    const run = await runOsmo(config, ['workflow', 'query', 'gr00t-train-1']);
    assert.equal(run.code, 0);
    assert.equal(
      run.stdout,
      [
        '-'.repeat(68),
        '',
        'Workflow ID : gr00t-train-1',
        'Status      : RUNNING',
        'User        : user@example.com',
        'Submit Time : May 05, 2026 18:00 UTC',
        'Labels      : -',
        'Overview    : https://osmo.example.com/workflows/gr00t-train-1',
        '',
        'Task Name   Start Time               Status ',
        '============================================',
        'train       May 05, 2026 18:01 UTC   RUNNING',
        '',
      ].join('\n'),
    );
    assert.equal(server.requests.at(-1)?.query.get('verbose'), 'False');
  });

  test('query --watch prints transitions and exits 0 on COMPLETED', async () => {
    polls = 0;
    const run = await runOsmo(config, ['workflow', 'query', 'watch-1', '--watch', '-t', 'json']);
    assert.equal(run.code, 0);
    assert.equal(
      run.stderr,
      'Task t: WAITING\nWorkflow watch-1: PENDING\nTask t: RUNNING\nWorkflow watch-1: RUNNING\nTask t: COMPLETED\nWorkflow watch-1: COMPLETED\n',
    );
  });

  test('logs stream with the header; -n and --task go to the query', async () => {
    const run = await runOsmo(config, ['workflow', 'logs', 'gr00t-train-1', '-t', 'train', '-n', '5']);
    assert.equal(run.code, 0);
    assert.equal(
      run.stdout,
      'Workflow gr00t-train-1 has logs:\n2026/05/05 18:01:30 [train] epoch 1\n2026/05/05 18:01:31 [train] epoch 2\n',
    );
    const req = server.requests.at(-1);
    assert.equal(req?.query.get('task_name'), 'train');
    assert.equal(req?.query.get('last_n_lines'), '5');
  });

  test('a broken log stream prints the rerun hint and exits 0', async () => {
    const run = await runOsmo(config, ['workflow', 'logs', 'broken-1']);
    assert.equal(run.code, 0);
    assert.match(
      run.stdout,
      /partial line\n\nLog stream has timed out or failed\. Please run the command again to continue viewing logs\.\n$/,
    );
  });

  test('--error without --task is a user error', async () => {
    const run = await runOsmo(config, ['workflow', 'logs', 'x-1', '--error']);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, 'Error message: Specify task for retry ID or error logs.\nError code: 2\n');
  });

  test('cancel reports per-item failures and still exits 0', async () => {
    const run = await runOsmo(config, ['workflow', 'cancel', 'ok-1', 'done-1', '-m', 'bye']);
    assert.equal(run.code, 0);
    assert.equal(
      run.stdout,
      'Cancel job for workflow ok-1 is submitted!\nWorkflow cancelation failed for workflow done-1: Workflow done-1 is already finished.\n',
    );
    assert.equal(server.requests.at(-2)?.query.get('force'), 'False');
    assert.equal(server.requests.at(-2)?.query.get('message'), 'bye');
  });

  test('an unknown workflow answers a user error with the HTTP status', async () => {
    const run = await runOsmo(config, ['workflow', 'query', 'missing-1', '--format-type', 'json']);
    assert.equal(run.code, 2);
    assert.deepEqual(JSON.parse(run.stdout), { message: 'no route GET /api/workflow/missing-1', code: 404 });
  });
});
