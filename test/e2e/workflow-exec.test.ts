// End to end: `osmo workflow exec` on the process backend (into the task's sandbox), the action
// path's HTTP statuses, and its one-time keys, through the real service and the real `osmo`.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { bearerProtocols, WEBSOCKET_PROTOCOL } from '../../src/api/contract/websocket-auth.js';
import type { ServiceProcess } from './harness.js';
import { apiCall, devToken, eventually, loginAs, osmo, startServiceProcess, tempDir } from './harness.js';
import {
  allRunning,
  execCases,
  query,
  startExecWorkflows,
  stopExecWorkflows,
  type ExecBackend,
  type ExecWorkflows,
} from './exec-suite.js';

let service: ServiceProcess;
let alice: string;
let bob: string;
let workflows: ExecWorkflows;
const tokens: Record<string, string> = {};

async function submit(name: string, yaml: string): Promise<string> {
  const file = join(await tempDir('exec-codes'), `${name}.yaml`);
  await writeFile(file, yaml);
  const r = await osmo(alice, ['workflow', 'submit', file]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return /Workflow ID\s+-\s+(\S+)/.exec(r.stdout)?.[1] ?? '';
}

const backend = (): ExecBackend => ({ url: service.url, owner: alice, image: 'ubuntu', stty: 'stty' });

before(async () => {
  service = await startServiceProcess({ args: ['--admin', 'root'] });
  alice = await loginAs(service.url, 'alice');
  bob = await loginAs(service.url, 'bob');
  for (const user of ['alice', 'bob', 'root']) tokens[user] = await devToken(service.url, user);
  workflows = await startExecWorkflows(backend());
});

after(async () => {
  if (alice !== undefined) await stopExecWorkflows(alice, workflows);
  await service?.stop();
});

describe('exec on the process backend', () => {
  execCases(backend, () => workflows);

  test("the shell is the task's sandbox as the task's uid: none of the service's host or keys", async () => {
    const r = await osmo(alice, [
      'workflow',
      'exec',
      workflows.single,
      'shell',
      '--entry',
      `sh -c 'ls ${service.dataDir} 2>&1; echo uid:$(id -u); echo home:$HOME'`,
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /ls: cannot access .*No such file or directory/);
    assert.match(r.stdout, new RegExp(`uid:${process.getuid?.() === 0 ? 100000 : process.getuid?.()}\r?\n`));
    assert.match(r.stdout, /home:\/tmp\r?\n/);
  });
});

const post = (path: string, token: string): Promise<{ status: number; text: string }> =>
  apiCall(service.url, 'POST', path, token);

const issueKey = async (token = tokens['alice'] ?? ''): Promise<string> => {
  const r = await post(
    `/api/workflow/${workflows.single}/exec/task/shell?entry_command=sh+-c+%22echo+via-key%22`,
    token,
  );
  assert.equal(r.status, 200, r.text);
  const answer = JSON.parse(r.text) as { router_address: string; key: string; cookie: string };
  assert.match(answer.key, /^EXEC-[0-9a-f]{32}$/);
  assert.equal(answer.router_address, service.url.replace(/^http/, 'ws'));
  return answer.key;
};

/** Opens the router socket with a key: the output and exit close, or the HTTP status of a refusal. */
function useKey(
  key: string,
  token: string,
  as: 'cli' | 'browser' = 'cli',
): Promise<{ status: number; output: string; reason: string; protocol?: string }> {
  const url = `${service.url.replace(/^http/, 'ws')}/api/router/exec/${workflows.single}/client/${key}`;
  // A browser cannot set headers on a WebSocket: its token rides as a subprotocol.
  const socket =
    as === 'cli'
      ? new WebSocket(url, { headers: { authorization: `Bearer ${token}` } })
      : new WebSocket(url, bearerProtocols(token));
  return new Promise((resolve, reject) => {
    let output = '';
    socket.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, output: '', reason: '' });
      socket.terminate();
    });
    socket.on('open', () => socket.send(JSON.stringify({ Rows: 24, Cols: 80 })));
    socket.on('message', (data: Buffer) => (output += data.toString()));
    socket.on('close', (code, reason) =>
      resolve({ status: 101, output, reason: `${code} ${reason.toString()}`, protocol: socket.protocol }),
    );
    socket.on('error', (err) => {
      if (!String(err.message).includes('Unexpected server response')) reject(err);
    });
  });
}

describe('the action path', () => {
  test('HTTP statuses: 410 finished, 425 not running yet, 404 unknown or finished task, 422 bad input, another user refused', async () => {
    const alicesToken = tokens['alice'] ?? '';
    const finished = await submit(
      'finished',
      `workflow:
  name: finished
  tasks:
  - name: t
    image: ubuntu
    command: ['true']
`,
    );
    const staged = await submit(
      'staged',
      `workflow:
  name: staged
  groups:
  - name: first
    tasks:
    - name: early
      lead: true
      image: ubuntu
      command: [sleep, '600']
  - name: second
    tasks:
    - name: late
      lead: true
      image: ubuntu
      command: ['true']
      inputs:
      - task: early
`,
    );
    await eventually(
      async () => ((await query(alice, finished)).status === 'COMPLETED' ? true : null),
      60_000,
    );
    await eventually(async () => {
      const q = await query(alice, staged);
      return q.groups.find((g) => g.name === 'first')?.tasks[0]?.status === 'RUNNING' ? q : null;
    }, 60_000);
    try {
      const exec = (
        id: string,
        task: string,
        token = alicesToken,
      ): Promise<{ status: number; text: string }> =>
        post(`/api/workflow/${id}/exec/task/${task}?entry_command=%2Fbin%2Fsh`, token);
      const gone = await exec(finished, 't');
      assert.equal(gone.status, 410, gone.text);
      assert.match(gone.text, new RegExp(`Workflow ${finished} is not running!`));
      const notYet = await exec(staged, 'late');
      assert.equal(notYet.status, 425, notYet.text);
      const groupNotYet = await post(
        `/api/workflow/${staged}/exec/group/second?entry_command=ls`,
        alicesToken,
      );
      assert.equal(groupNotYet.status, 425, groupNotYet.text);
      assert.equal((await exec(workflows.single, 'nope')).status, 404);
      assert.equal(
        (await post(`/api/workflow/${workflows.single}/exec/group/nope?entry_command=ls`, alicesToken))
          .status,
        404,
      );
      // A missing entry command, or one a shell could not split, is the caller's mistake.
      assert.equal(
        (await post(`/api/workflow/${workflows.single}/exec/task/shell`, alicesToken)).status,
        422,
      );
      assert.equal(
        (await post(`/api/workflow/${workflows.single}/exec/task/shell?entry_command=%22open`, alicesToken))
          .status,
        400,
      );
      // Another user's workflow reads as an unknown one (the API's policy for every workflow route).
      const other = await exec(workflows.single, 'shell', tokens['bob'] ?? '');
      assert.equal(other.status, 400, other.text);
      assert.match(other.text, /is not found/);
      const cli = await osmo(bob, ['workflow', 'exec', workflows.single, 'shell']);
      assert.equal(cli.code, 2, cli.stdout + cli.stderr);
      // An admin may act on anyone's workflow.
      assert.equal((await exec(workflows.single, 'shell', tokens['root'] ?? '')).status, 200);
      assert.equal(
        (await post(`/api/workflow/${workflows.single}/exec/task/shell?entry_command=ls`, '')).status,
        401,
      );
    } finally {
      await osmo(alice, ['workflow', 'cancel', staged]);
    }
  });

  test('a key opens one session, once, for its own user; wrong, used and foreign keys are refused', async () => {
    const alicesToken = tokens['alice'] ?? '';
    const key = await issueKey();
    // Bob cannot use alice's key, and trying does not spend it.
    assert.equal((await useKey(key, tokens['bob'] ?? '')).status, 403);
    const first = await useKey(key, alicesToken);
    assert.equal(first.status, 101);
    assert.match(first.output, /via-key/);
    assert.equal(first.reason, '1000 exit 0');
    assert.equal((await useKey(key, alicesToken)).status, 403);
    assert.equal((await useKey(`EXEC-${'0'.repeat(32)}`, alicesToken)).status, 403);
    const unauthenticated = await useKey(await issueKey(), '');
    assert.equal(unauthenticated.status, 401);
    await allRunning(alice, workflows.single);
  });

  test("a browser's token rides as a subprotocol: the service answers with its own, never the token's", async () => {
    const opened = await useKey(await issueKey(), tokens['alice'] ?? '', 'browser');
    assert.equal(opened.status, 101);
    assert.equal(opened.protocol, WEBSOCKET_PROTOCOL);
    assert.match(opened.output, /via-key/);
    assert.equal((await useKey(await issueKey(), 'not-a-token', 'browser')).status, 401);
    assert.equal((await useKey(await issueKey(), tokens['bob'] ?? '', 'browser')).status, 403);
    // Only an upgrade may carry it so: a plain request with the same header is not signed in.
    const [, tokenEntry] = bearerProtocols(tokens['alice'] ?? '');
    const plain = await fetch(`${service.url}/api/workflow`, {
      headers: { 'sec-websocket-protocol': `${WEBSOCKET_PROTOCOL}, ${tokenEntry ?? ''}` },
    });
    assert.equal(plain.status, 401);
  });

  test('group exec refuses interactive shells and --keep-alive, as upstream', async () => {
    const shell = await osmo(alice, [
      'workflow',
      'exec',
      workflows.pair,
      '--group',
      'pair',
      '--entry',
      '/bin/bash',
    ]);
    assert.equal(shell.code, 2);
    assert.match(
      shell.stdout + shell.stderr,
      /Interactive commands are not supported for exec groups\.Use "--entry" to specify a non-interactive command\./,
    );
    const keep = await osmo(alice, [
      'workflow',
      'exec',
      workflows.pair,
      '--group',
      'pair',
      '--entry',
      'ls',
      '--keep-alive',
    ]);
    assert.equal(keep.code, 2);
    assert.match(keep.stdout + keep.stderr, /Keep-alive is not supported for exec groups\./);
    const neither = await osmo(alice, ['workflow', 'exec', workflows.pair]);
    assert.equal(neither.code, 2);
  });
});
