// Walks every endpoint of the OpenAPI document with missing, expired, tampered, non-admin and other users' tokens.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { importSigningKey, signAccessToken } from '../../src/api/auth/jwt.js';
import type { ServiceProcess } from './harness.js';
import { eventually, loginAs, osmo, apiCall, startServiceProcess } from './harness.js';

let service: ServiceProcess;
const tokens: Record<string, string> = {};

const call = (
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; text: string }> => apiCall(service.url, method, path, token, body);

async function devLogin(user: string): Promise<string> {
  const r = await call('POST', '/api/auth/dev/login', null, { username: user });
  assert.equal(r.status, 200, r.text);
  return (JSON.parse(r.text) as { token: string }).token;
}

before(async () => {
  service = await startServiceProcess({ args: ['--admin', 'root'] });
  tokens['root'] = await devLogin('root');
  tokens['alice'] = await devLogin('alice');
  tokens['bob'] = await devLogin('bob');
  const stored = JSON.parse(await readFile(join(service.dataDir, 'service-key.json'), 'utf8')) as {
    kid: string;
    pem: string;
  };
  const key = importSigningKey(stored);
  const longAgo = Math.floor(Date.now() / 1000) - 3600;
  tokens['expired'] = signAccessToken(
    key,
    { user: 'alice', roles: ['osmo-user', 'osmo-admin'] },
    longAgo,
    300,
  );
  const [header, , signature] = (tokens['alice'] ?? '').split('.');
  const forged = Buffer.from(
    JSON.stringify({
      ...JSON.parse(Buffer.from((tokens['alice'] ?? '').split('.')[1] ?? '', 'base64url').toString()),
      roles: ['osmo-admin'],
    }),
  ).toString('base64url');
  tokens['tampered'] = `${header}.${forged}.${signature}`;
});

after(async () => {
  await service.stop();
});

interface Operation {
  readonly 'x-osmo-access': 'public' | 'user' | 'admin';
}

test('every endpoint refuses missing, expired and tampered tokens, and admin endpoints refuse non-admins', async () => {
  const doc = JSON.parse((await call('GET', '/api/openapi.json', null)).text) as {
    paths: Record<string, Record<string, Operation>>;
  };
  let checked = 0;
  for (const [template, operations] of Object.entries(doc.paths)) {
    const path = template.replace(/\{[^}]+\}/g, 'x');
    for (const [method, operation] of Object.entries(operations)) {
      const access = operation['x-osmo-access'];
      assert.ok(['public', 'user', 'admin'].includes(access), `${method} ${template} has no access rule`);
      if (access === 'public') continue;
      const body = method === 'get' ? undefined : {};
      for (const who of [null, 'expired', 'tampered'] as const) {
        const r = await call(method.toUpperCase(), path, who === null ? null : (tokens[who] ?? ''), body);
        assert.equal(r.status, 401, `${method} ${template} with ${who ?? 'no'} token: ${r.status} ${r.text}`);
        // The refusal carries an error and nothing else: no data of the endpoint.
        const extra = Object.keys(JSON.parse(r.text) as object).filter(
          (k) => !['message', 'error_code', 'workflow_id'].includes(k),
        );
        assert.deepEqual(extra, [], `${method} ${template}: ${r.text}`);
        assert.match(r.text, /Authentication required/);
      }
      if (access === 'admin') {
        const r = await call(method.toUpperCase(), path, tokens['alice'] ?? '', body);
        assert.equal(r.status, 403, `${method} ${template} as a non-admin: ${r.status} ${r.text}`);
        assert.match(r.text, /access denied/);
      }
      checked += 1;
    }
  }
  assert.ok(checked > 20, `only ${checked} protected endpoints`);
});

test("another user's token reaches none of alice's data", async () => {
  const alice = tokens['alice'] ?? '';
  const bob = tokens['bob'] ?? '';
  assert.equal(
    (
      await call('POST', '/api/credentials/alicekey', alice, {
        generic_credential: { credential: { k: 'alice-secret-value' } },
      })
    ).status,
    200,
  );
  const pat = await call('POST', '/api/auth/access_token/alicetok?expires_at=2999-01-01', alice);
  assert.equal(pat.status, 400, 'beyond the maximum duration');
  const tomorrow = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10);
  assert.equal(
    (await call('POST', `/api/auth/access_token/alicetok?expires_at=${tomorrow}`, alice)).status,
    200,
  );
  const spec =
    'workflow:\n  name: private\n  tasks:\n    - name: t\n      image: ubuntu\n      command: [sleep, "30"]\n';
  const submitted = await call('POST', '/api/pool/default/workflow', alice, { file: spec });
  assert.equal(submitted.status, 200, submitted.text);
  const id = (JSON.parse(submitted.text) as { name: string }).name;

  const bobCreds = await call('GET', '/api/credentials', bob);
  assert.deepEqual(JSON.parse(bobCreds.text), { credentials: [] });
  assert.equal((await call('DELETE', '/api/credentials/alicekey', bob)).status, 400);
  assert.deepEqual(JSON.parse((await call('GET', '/api/auth/access_token', bob)).text), []);
  assert.equal((await call('GET', '/api/auth/access_token/alicetok/roles', bob)).status, 400);
  assert.equal((await call('DELETE', '/api/auth/access_token/alicetok', bob)).status, 400);
  const query = await call('GET', `/api/workflow/${id}`, bob);
  assert.ok(query.status >= 400, query.text);
  assert.ok(!query.text.includes('sleep'));
  assert.ok((await call('POST', `/api/workflow/${id}/cancel`, bob)).status >= 400);
  // Alice's things are all still there.
  assert.equal(JSON.parse((await call('GET', '/api/credentials', alice)).text).credentials.length, 1);
  assert.equal(
    (JSON.parse((await call('GET', '/api/auth/access_token', alice)).text) as unknown[]).length,
    1,
  );
  assert.equal((await call('POST', `/api/workflow/${id}/cancel`, alice)).status, 200);
});

test('a non-admin may submit only to the pools its roles allow', async () => {
  const spec =
    'workflow:\n  name: p\n  tasks:\n    - name: t\n      image: ubuntu\n      command: ["true"]\n';
  const r = await call('POST', '/api/pool/gpu-team/workflow', tokens['alice'] ?? '', { file: spec });
  assert.equal(r.status, 403, r.text);
  assert.match(r.text, /roles do not allow pool gpu-team/);
});

/** Submits a spec as `who` and waits until the workflow has finished. */
async function runToEnd(who: string, spec: string): Promise<string> {
  const submitted = await call('POST', '/api/pool/default/workflow', tokens[who] ?? '', { file: spec });
  assert.equal(submitted.status, 200, submitted.text);
  const id = (JSON.parse(submitted.text) as { name: string }).name;
  await eventually(async () => {
    const q = JSON.parse((await call('GET', `/api/workflow/${id}`, tokens[who] ?? '')).text) as {
      status: string;
    };
    return /^(COMPLETED|FAILED)/.test(q.status) ? q.status : null;
  });
  return id;
}

test("a log path built from task_name cannot reach another user's log; unknown tasks and retries are 404", async () => {
  const secretLine = 'alice-private-log-line';
  const aliceId = await runToEnd(
    'alice',
    `workflow:\n  name: diary\n  tasks:\n    - name: t\n      image: ubuntu\n      command: [echo, ${secretLine}]\n`,
  );
  const bobId = await runToEnd(
    'bob',
    'workflow:\n  name: mine\n  tasks:\n    - name: t\n      image: ubuntu\n      command: [echo, hi]\n',
  );
  const own = await call(
    'GET',
    `/api/workflow/${aliceId}/logs?task_name=t&retry_id=0`,
    tokens['alice'] ?? '',
  );
  assert.equal(own.status, 200);
  assert.match(own.text, new RegExp(secretLine));

  for (const task of [
    `../../../${aliceId}/task_logs_t`,
    `../${aliceId}/task_logs_t`,
    `..%2F..%2F${aliceId}%2Ftask_logs_t`,
  ]) {
    const r = await call(
      'GET',
      `/api/workflow/${bobId}/logs?task_name=${task}&retry_id=0`,
      tokens['bob'] ?? '',
    );
    assert.equal(r.status, 404, `${task}: ${r.status} ${r.text}`);
    assert.doesNotMatch(r.text, new RegExp(secretLine));
  }
  const unknown = await call(
    'GET',
    `/api/workflow/${bobId}/logs?task_name=nope&retry_id=0`,
    tokens['bob'] ?? '',
  );
  assert.equal(unknown.status, 404, unknown.text);
  assert.match(unknown.text, new RegExp(`Task nope is not found in workflow ${bobId}`));
  const retry = await call('GET', `/api/workflow/${bobId}/logs?task_name=t&retry_id=7`, tokens['bob'] ?? '');
  assert.equal(retry.status, 404, retry.text);
  assert.match(retry.text, /has no retry 7 \(latest: 0\)/);
});

test('configuration reads are admin-only; the commands ordinary users run keep working', async () => {
  for (const path of [
    '/api/configs/pool',
    '/api/configs/pool/default',
    '/api/configs/backend',
    '/api/configs/workflow',
    '/api/configs/resource_validation',
    '/api/configs/role',
    '/api/configs/history',
    '/api/configs/diff?config_type=POOL&first_revision=1&second_revision=1',
  ]) {
    const denied = await call('GET', path, tokens['alice'] ?? '');
    assert.equal(denied.status, 403, `${path} as a user: ${denied.status} ${denied.text}`);
    assert.doesNotMatch(denied.text, /pools|backends|revision/);
  }
  assert.equal((await call('GET', '/api/configs/pool', tokens['root'] ?? '')).status, 200);
  assert.equal((await call('GET', '/api/configs/history', tokens['root'] ?? '')).status, 200);

  const alice = await loginAs(service.url, 'alice');
  for (const args of [
    ['pool', 'list'],
    ['resource', 'list'],
    ['profile', 'list'],
  ]) {
    const r = await osmo(alice, args);
    assert.equal(r.code, 0, `osmo ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  }
});

test('the spec view masks secret environment values in both views and keeps every other line', async () => {
  const lines = [
    'default-values:',
    '  greeting: hi',
    'workflow:',
    '  name: secrets',
    '  tasks:',
    '    - name: t',
    '      image: ubuntu',
    '      command: [echo, "{{ greeting }}"]',
    '      environment:',
    '        DB_PASSWORD: hunter2',
    '        API_TOKEN: tok_0123456789abcdef',
    '        EPOCHS: "20"',
  ];
  const id = await runToEnd('alice', `${lines.join('\n')}\n`);
  const rendered = await call('GET', `/api/workflow/${id}/spec`, tokens['alice'] ?? '');
  assert.equal(rendered.status, 200);
  assert.doesNotMatch(rendered.text, /hunter2|tok_0123456789abcdef/);
  assert.match(rendered.text, /DB_PASSWORD: "?\[MASKED\]"?/);
  assert.match(rendered.text, /API_TOKEN: "?\[MASKED\]"?/);
  assert.match(rendered.text, /EPOCHS: "20"/);
  const template = await call('GET', `/api/workflow/${id}/spec?use_template=true`, tokens['alice'] ?? '');
  assert.equal(template.status, 200);
  const want = lines.map((l) => l.replace('hunter2', '[MASKED]').replace('tok_0123456789abcdef', '[MASKED]'));
  assert.deepEqual(template.text.trimEnd().split('\n'), want);
});
