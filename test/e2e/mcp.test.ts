// An agent's view: the SDK's own MCP client against the real service's /mcp, with a personal access token.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ServiceProcess } from './harness.js';
import { OSMO_BIN, apiCall, eventually, loginAs, osmo, startServiceProcess, tempDir } from './harness.js';

let service: ServiceProcess;
let alice: Client;
let bob: Client;
let aliceCli: string;
const SECRET = 'mcp-secret-value-0451';

async function devLogin(user: string): Promise<string> {
  const r = await apiCall(service.url, 'POST', '/api/auth/dev/login', null, { username: user });
  assert.equal(r.status, 200, r.text);
  return (JSON.parse(r.text) as { token: string }).token;
}

/** What an agent holds: a personal access token, exchanged for an access token as the CLI does. */
async function agentToken(user: string): Promise<string> {
  const login = await devLogin(user);
  const tomorrow = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10);
  const created = await apiCall(
    service.url,
    'POST',
    `/api/auth/access_token/agent?expires_at=${tomorrow}`,
    login,
  );
  assert.equal(created.status, 200, created.text);
  const exchanged = await apiCall(service.url, 'POST', '/api/auth/jwt/access_token', null, {
    token: JSON.parse(created.text) as string,
  });
  assert.equal(exchanged.status, 200, exchanged.text);
  return (JSON.parse(exchanged.text) as { token: string }).token;
}

async function connect(token: string | null): Promise<Client> {
  const client = new Client({ name: 'osmo-test-agent', version: '1.0.0' });
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${service.url}/mcp`), { requestInit: { headers } }),
  );
  return client;
}

interface ToolAnswer {
  isError?: boolean;
  content: { type: string; text: string }[];
}
async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolAnswer> {
  return (await client.callTool({ name, arguments: args })) as ToolAnswer;
}
const text = (a: ToolAnswer): string => a.content.map((c) => c.text).join('');
async function json(client: Client, name: string, args: Record<string, unknown> = {}): Promise<unknown> {
  const answer = await call(client, name, args);
  assert.notEqual(answer.isError, true, `${name}: ${text(answer)}`);
  return JSON.parse(text(answer)) as unknown;
}

const spec = (name: string, command: string): string =>
  `workflow:\n  name: ${name}\n  tasks:\n  - name: main\n    image: ubuntu\n    command: [bash, -c, ${JSON.stringify(command)}]\n`;

async function finished(client: Client, id: string): Promise<string> {
  return eventually(async () => {
    const wf = (await json(client, 'workflow_get', { workflow_id: id })) as { status: string };
    return /^(COMPLETED|FAILED)/.test(wf.status) ? wf.status : null;
  }, 60_000);
}

before(async () => {
  service = await startServiceProcess();
  alice = await connect(await agentToken('alice'));
  bob = await connect(await agentToken('bob'));
  aliceCli = await loginAs(service.url, 'alice');
  const set = await osmo(aliceCli, ['credential', 'set', 'mcpcred', '--payload', `key=${SECRET}`]);
  assert.equal(set.code, 0, set.stdout + set.stderr);
});

after(async () => {
  await alice?.close();
  await bob?.close();
  await service?.stop();
});

test('every tool is listed with the CLI command it mirrors', async () => {
  const { tools } = await alice.listTools();
  const names = tools.map((t) => t.name);
  for (const expected of [
    'health',
    'profile',
    'pool_list',
    'workflow_list',
    'workflow_get',
    'workflow_logs',
    'workflow_events',
    'workflow_spec',
    'task_list',
    'workflow_pending_reason',
    'workflow_outputs',
    'workflow_output_files',
    'workflow_output_file',
    'workflow_validate',
    'workflow_submit',
    'workflow_cancel',
    'workflow_restart',
    'app_list',
    'app_get',
    'app_spec',
    'credential_list',
    'resource_list',
    'resource_get',
    'app_submit',
  ]) {
    assert.ok(names.includes(expected), `missing tool ${expected}`);
  }
  // Each tool is called by a test in this file: a new one joins the list above and gets a call.
  assert.equal(names.length, 24, names.join(', '));
  for (const tool of tools) assert.match(tool.description ?? '', /Mirrors the CLI command `osmo /, tool.name);
});

test('an agent submits, follows and reads a workflow through MCP', async () => {
  const health = (await json(alice, 'health')) as { health: unknown; version: { osmo_version?: unknown } };
  assert.deepEqual(health.health, { status: 'OK' });
  assert.equal(typeof health.version.osmo_version, 'string');
  const profile = JSON.stringify(await json(alice, 'profile'));
  assert.match(profile, /alice/);

  const pools = (await json(alice, 'pool_list')) as {
    pools: {
      pool: string;
      effective_free: number;
      quota_free: number;
      total_free: number;
      platforms: unknown[];
    }[];
  };
  assert.ok(pools.pools.length > 0);
  for (const p of pools.pools) assert.equal(p.effective_free, Math.min(p.quota_free, p.total_free));

  const bad = await call(alice, 'workflow_validate', { spec: 'workflow:\n  name: x\n' });
  assert.equal(bad.isError, true, text(bad));
  const ok = (await json(alice, 'workflow_validate', { spec: spec('checked', 'true') })) as { logs: string };
  assert.match(ok.logs, /validation succeeded/);

  const submitted = (await json(alice, 'workflow_submit', {
    spec: spec('agent-run', 'for i in $(seq 1 30); do echo line-$i; done'),
  })) as { name: string };
  const id = submitted.name;
  assert.equal(await finished(alice, id), 'COMPLETED');

  const logs = text(await call(alice, 'workflow_logs', { workflow_id: id, lines: 5 }));
  assert.match(logs, /line-30/);
  assert.doesNotMatch(logs, /line-20\b/);
  const taskLogs = text(await call(alice, 'workflow_logs', { workflow_id: id, task: 'main', lines: 3 }));
  assert.match(taskLogs, /line-30/);
  const events = text(await call(alice, 'workflow_events', { workflow_id: id, lines: 1000 }));
  assert.ok(events.length > 0);
  const oneEvent = text(await call(alice, 'workflow_events', { workflow_id: id, lines: 1 }));
  assert.match(oneEvent, /^\[truncated: \d+ earlier lines not shown\]\n/);
  assert.match(text(await call(alice, 'workflow_spec', { workflow_id: id })), /agent-run/);

  const list = (await json(alice, 'workflow_list', { limit: 1 })) as {
    workflows: { name: string }[];
    more_entries: boolean;
  };
  assert.equal(list.workflows.length, 1);
  const tasks = (await json(alice, 'task_list', { workflow_id: id })) as { tasks?: unknown[] };
  assert.match(JSON.stringify(tasks), new RegExp(id));
  const outputs = (await json(alice, 'workflow_outputs', { workflow_id: id })) as {
    tasks: { task: string; outputs: unknown[] }[];
  };
  assert.deepEqual(
    outputs.tasks.map((t) => t.task),
    ['main'],
  );
  const pending = (await json(alice, 'workflow_pending_reason', { workflow_id: id })) as {
    pending: boolean;
    reason: string;
  };
  assert.equal(pending.pending, false);
  assert.match(pending.reason, /not pending: its status is COMPLETED/);

  const creds = JSON.stringify(await json(alice, 'credential_list'));
  assert.match(creds, /mcpcred/);
  assert.doesNotMatch(creds, new RegExp(SECRET));
  assert.doesNotMatch(creds, /key/);
  assert.ok(Array.isArray(((await json(alice, 'app_list')) as { apps: unknown[] }).apps));

  // The same state through the CLI and through MCP: one answer.
  const cli = await osmo(aliceCli, ['workflow', 'query', id, '--format-type', 'json']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual(await json(alice, 'workflow_get', { workflow_id: id }), JSON.parse(cli.stdout));
  const cliList = await osmo(aliceCli, ['workflow', 'list', '--format-type', 'json']);
  assert.equal(cliList.code, 0, cliList.stderr);
  const mcpList = (await json(alice, 'workflow_list', {})) as {
    workflows: { name: string; status: string }[];
  };
  const fromCli = (JSON.parse(cliList.stdout) as { workflows: { name: string; status: string }[] }).workflows;
  assert.deepEqual(
    mcpList.workflows.map((w) => [w.name, w.status]).sort(),
    fromCli.map((w) => [w.name, w.status]).sort(),
  );
});

test("another user can neither see nor cancel alice's workflow through MCP", async () => {
  const submitted = (await json(alice, 'workflow_submit', { spec: spec('long-run', 'sleep 30') })) as {
    name: string;
  };
  const id = submitted.name;
  for (const tool of [
    'workflow_get',
    'workflow_logs',
    'workflow_events',
    'workflow_spec',
    'workflow_outputs',
  ]) {
    const answer = await call(bob, tool, { workflow_id: id });
    assert.equal(answer.isError, true, `${tool}: ${text(answer)}`);
    assert.doesNotMatch(text(answer), /sleep 30/);
  }
  const cancel = await call(bob, 'workflow_cancel', { workflow_id: id });
  assert.equal(cancel.isError, true, text(cancel));
  const bobsList = JSON.stringify(await json(bob, 'workflow_list', {}));
  assert.doesNotMatch(bobsList, new RegExp(id));
  const wf = (await json(alice, 'workflow_get', { workflow_id: id })) as {
    status: string;
    cancelled_by: unknown;
  };
  assert.equal(wf.cancelled_by, null);
  assert.doesNotMatch(wf.status, /CANCELED/);
  // Alice herself may cancel it.
  await json(alice, 'workflow_cancel', { workflow_id: id });
  const status = await finished(alice, id).catch(async () => {
    const again = (await json(alice, 'workflow_get', { workflow_id: id })) as { status: string };
    return again.status;
  });
  assert.match(status, /FAILED_CANCELED|CANCELED/);
});

test('a request without a valid token is refused before any tool runs', async () => {
  const initialize = {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
  };
  for (const authorization of [null, 'Bearer not-a-token']) {
    const response = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...(authorization === null ? {} : { authorization }),
      },
      body: JSON.stringify(initialize),
    });
    assert.equal(response.status, 401);
    assert.match(await response.text(), /Authentication required/);
  }
  await assert.rejects(connect(null));
});

test('tool answers are bounded and say where they were cut', async () => {
  const submitted = (await json(alice, 'workflow_submit', {
    spec: spec('chatty', 'for i in $(seq 1 3000); do echo chatty-line-$i; done'),
  })) as { name: string };
  await finished(alice, submitted.name);
  const logs = text(await call(alice, 'workflow_logs', { workflow_id: submitted.name, lines: 10 }));
  assert.equal(logs.trim().split('\n').length, 10);
  assert.match(logs, /chatty-line-3000/);
  const tooMany = await call(alice, 'workflow_logs', { workflow_id: submitted.name, lines: 100_000 });
  assert.equal(tooMany.isError, true);
  const page = (await json(alice, 'workflow_list', { limit: 2 })) as {
    workflows: unknown[];
    more_entries: boolean;
  };
  assert.equal(page.workflows.length, 2);
  assert.equal(page.more_entries, true);
});

test('`osmo mcp` serves the same tools over stdio with the CLI login', async () => {
  const env = Object.fromEntries(
    Object.entries({ ...process.env, OSMO_CONFIG_FILE_DIR: aliceCli }).filter(
      (e): e is [string, string] => e[1] !== undefined,
    ),
  );
  const local = new Client({ name: 'osmo-test-local-agent', version: '1.0.0' });
  await local.connect(
    new StdioClientTransport({ command: process.execPath, args: [OSMO_BIN, 'mcp'], env, stderr: 'pipe' }),
  );
  try {
    const remote = (await alice.listTools()).tools.map((t) => t.name);
    assert.deepEqual(
      (await local.listTools()).tools.map((t) => t.name),
      remote,
    );
    const mine = (await json(local, 'workflow_list', {})) as { workflows: { name: string }[] };
    const viaHttp = (await json(alice, 'workflow_list', {})) as { workflows: { name: string }[] };
    assert.ok(mine.workflows.length > 0);
    assert.deepEqual(
      mine.workflows.map((w) => w.name),
      viaHttp.workflows.map((w) => w.name),
    );
    const unknown = await call(local, 'workflow_get', { workflow_id: 'no-such-workflow-1' });
    assert.equal(unknown.isError, true, text(unknown));
  } finally {
    await local.close();
  }
});

test('apps, resources, dry runs and restarts through MCP', async () => {
  const file = join(await tempDir('mcp-app'), 'app.yaml');
  await writeFile(
    file,
    spec('from-app', 'echo {{greeting}}').replace('workflow:', 'default-values:\n  greeting: hi\nworkflow:'),
  );
  const created = await osmo(aliceCli, [
    'app',
    'create',
    'mcp-app',
    '--description',
    'for agents',
    '--file',
    file,
  ]);
  assert.equal(created.code, 0, created.stdout + created.stderr);
  const apps = JSON.stringify(await json(alice, 'app_list', {}));
  assert.match(apps, /mcp-app/);
  const info = JSON.stringify(await json(alice, 'app_get', { name: 'mcp-app' }));
  assert.match(info, /for agents/);
  assert.match(text(await call(alice, 'app_spec', { name: 'mcp-app' })), /\{\{greeting\}\}/);
  const cliApp = await osmo(aliceCli, ['app', 'info', 'mcp-app', '--format-type', 'json']);
  assert.equal(cliApp.code, 0, cliApp.stderr);
  assert.deepEqual(await json(alice, 'app_get', { name: 'mcp-app' }), JSON.parse(cliApp.stdout));

  const fromApp = (await json(alice, 'app_submit', { name: 'mcp-app', set: ['greeting=agent-value'] })) as {
    name: string;
  };
  assert.equal(await finished(alice, fromApp.name), 'COMPLETED');
  assert.match(text(await call(alice, 'workflow_logs', { workflow_id: fromApp.name })), /agent-value/);
  assert.match(
    text(await call(alice, 'workflow_spec', { workflow_id: fromApp.name, template: true })),
    /\{\{greeting\}\}/,
  );
  const fromAppQuery = (await json(alice, 'workflow_get', { workflow_id: fromApp.name })) as {
    app_name: unknown;
  };
  assert.equal(fromAppQuery.app_name, 'mcp-app');

  const resources = (await json(alice, 'resource_list', { limit: 1 })) as {
    resources: { hostname: string }[];
    total: number;
  };
  assert.equal(resources.resources.length, 1);
  const node = resources.resources[0]?.hostname ?? '';
  const one = (await json(alice, 'resource_get', { node })) as { resources: { hostname: string }[] };
  assert.equal(one.resources[0]?.hostname, node);
  assert.equal((await call(alice, 'resource_get', { node: 'no-such-node' })).isError, true);

  const rendered = text(
    await call(alice, 'workflow_submit', {
      spec: spec('dry', 'echo {{x}}'),
      set: ['x=rendered-value'],
      dry_run: true,
    }),
  );
  assert.match(rendered, /rendered-value/);

  const failed = (await json(alice, 'workflow_submit', { spec: spec('will-fail', 'exit 3') })) as {
    name: string;
  };
  assert.match(await finished(alice, failed.name), /^FAILED/);
  assert.equal((await call(bob, 'workflow_restart', { workflow_id: failed.name })).isError, true);
  const restarted = (await json(alice, 'workflow_restart', { workflow_id: failed.name })) as { name: string };
  assert.notEqual(restarted.name, failed.name);
  const unknownGroup = await call(alice, 'workflow_restart', { workflow_id: failed.name, groups: ['nope'] });
  assert.equal(unknownGroup.isError, true);
  assert.match(text(unknownGroup), /has no group "nope"; its groups are "main-group"/);
  const oneGroup = (await json(alice, 'workflow_restart', {
    workflow_id: failed.name,
    groups: ['main-group'],
  })) as { name: string };
  assert.notEqual(oneGroup.name, restarted.name);
  const again = (await json(alice, 'workflow_get', { workflow_id: oneGroup.name })) as {
    groups: { name: string }[];
  };
  assert.deepEqual(
    again.groups.map((g) => g.name),
    ['main-group'],
  );
});

test("a task's output files are listed and read in bounded pieces, by their owner only", async () => {
  const submitted = (await json(alice, 'workflow_submit', {
    spec: spec(
      'with-files',
      'echo result: 42 > {{output}}/report.txt; mkdir {{output}}/sub; yes a | head -c 100000 > {{output}}/sub/big.txt; head -c 3 /dev/zero > {{output}}/blob.bin',
    ),
  })) as { name: string };
  const id = submitted.name;
  assert.equal(await finished(alice, id), 'COMPLETED');

  const listed = (await json(alice, 'workflow_output_files', { workflow_id: id, task: 'main' })) as {
    files: { path: string; size: number }[];
    total: number;
    more_entries: boolean;
  };
  assert.deepEqual(
    listed.files.map((f) => [f.path, f.size]),
    [
      ['blob.bin', 3],
      ['report.txt', 11],
      ['sub/big.txt', 100_000],
    ],
  );
  assert.equal(listed.more_entries, false);
  // The same objects as `osmo data list` of the task's output URL shows.
  const where = (await json(alice, 'workflow_outputs', { workflow_id: id })) as {
    tasks: { outputs: { url?: string }[] }[];
  };
  const url = where.tasks[0]?.outputs[0]?.url ?? '';
  assert.match(url, /^file:\/\//);
  const cliList = await osmo(aliceCli, ['data', 'list', url, '--recursive', '--no-pager']);
  assert.equal(cliList.code, 0, cliList.stdout + cliList.stderr);
  const root = `${new URL(url).pathname.slice(1)}/`;
  assert.deepEqual(
    cliList.stdout
      .split('\n')
      .filter((l) => l.startsWith(root))
      .map((l) => l.slice(root.length)),
    listed.files.map((f) => f.path),
  );
  const firstPage = (await json(alice, 'workflow_output_files', {
    workflow_id: id,
    task: 'main',
    limit: 1,
  })) as {
    files: unknown[];
    total: number;
    more_entries: boolean;
  };
  assert.equal(firstPage.files.length, 1);
  assert.equal(firstPage.total, 3);
  assert.equal(firstPage.more_entries, true);

  const report = (await json(alice, 'workflow_output_file', {
    workflow_id: id,
    task: 'main',
    path: 'report.txt',
  })) as {
    content: string;
    encoding: string;
    truncated: boolean;
  };
  assert.deepEqual([report.content, report.encoding, report.truncated], ['result: 42\n', 'utf-8', false]);
  const big = (await json(alice, 'workflow_output_file', {
    workflow_id: id,
    task: 'main',
    path: 'sub/big.txt',
    max_bytes: 1000,
  })) as { content: string; size: number; bytes_returned: number; truncated: boolean };
  assert.deepEqual(
    [big.content.length, big.size, big.bytes_returned, big.truncated],
    [1000, 100_000, 1000, true],
  );
  const blob = (await json(alice, 'workflow_output_file', {
    workflow_id: id,
    task: 'main',
    path: 'blob.bin',
  })) as {
    content: string;
    encoding: string;
  };
  assert.equal(blob.encoding, 'base64');
  assert.deepEqual([...Buffer.from(blob.content, 'base64')], [0, 0, 0]);
  const tooMuch = await call(alice, 'workflow_output_file', {
    workflow_id: id,
    task: 'main',
    path: 'sub/big.txt',
    max_bytes: 1_000_000,
  });
  assert.equal(tooMuch.isError, true);

  const escape = await call(alice, 'workflow_output_file', {
    workflow_id: id,
    task: 'main',
    path: '../../x',
  });
  assert.equal(escape.isError, true);
  assert.match(text(escape), /must be relative to the task's output directory/);
  const missing = await call(alice, 'workflow_output_file', {
    workflow_id: id,
    task: 'main',
    path: 'nope.txt',
  });
  assert.equal(missing.isError, true);
  assert.match(text(missing), /has no output file nope\.txt/);

  // Bob sees neither the list nor a file of alice's workflow: the REST API's own refusal.
  for (const [tool, args] of [
    ['workflow_output_files', { workflow_id: id, task: 'main' }],
    ['workflow_output_file', { workflow_id: id, task: 'main', path: 'report.txt' }],
  ] as const) {
    const refused = await call(bob, tool, args);
    assert.equal(refused.isError, true, text(refused));
    assert.match(text(refused), new RegExp(`Workflow ${id} is not found`));
    assert.doesNotMatch(text(refused), /result: 42|report\.txt/);
  }
});
