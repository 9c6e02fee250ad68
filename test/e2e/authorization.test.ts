// Walks every endpoint of the OpenAPI document with missing, expired, tampered, non-admin and other users' tokens.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { importSigningKey, signAccessToken } from '../../src/api/auth/jwt.js';
import type { ServiceProcess } from './harness.js';
import { startServiceProcess } from './harness.js';

let service: ServiceProcess;
const tokens: Record<string, string> = {};

async function call(
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, text: await response.text() };
}

async function devLogin(user: string): Promise<string> {
  const r = await call('POST', '/api/auth/dev/login', null, { username: user });
  assert.equal(r.status, 200, r.text);
  return (JSON.parse(r.text) as { token: string }).token;
}

before(async () => {
  service = await startServiceProcess();
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
