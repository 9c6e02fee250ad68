// De-provisioning takes effect on the next request: deleted users, removed roles, logged-out sessions, deleted tokens.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ServiceProcess } from './harness.js';
import { apiCall, startServiceProcess } from './harness.js';

let service: ServiceProcess;
let root: string;

const call = (
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; text: string }> => apiCall(service.url, method, path, token, body);

async function devLogin(user: string): Promise<{ token: string; refresh_token: string }> {
  const r = await call('POST', '/api/auth/dev/login', null, { username: user });
  assert.equal(r.status, 200, r.text);
  return JSON.parse(r.text) as { token: string; refresh_token: string };
}

async function createUser(id: string, roles: readonly string[]): Promise<void> {
  const r = await call('POST', '/api/auth/user', root, { id, roles });
  assert.equal(r.status, 200, r.text);
}

before(async () => {
  service = await startServiceProcess({ args: ['--admin', 'root'] });
  root = (await devLogin('root')).token;
});

after(async () => {
  await service.stop();
});

test("a deleted admin's access token is refused at once and cannot create an admin", async () => {
  await createUser('ada', ['osmo-user', 'osmo-admin']);
  const ada = (await devLogin('ada')).token;
  assert.equal((await call('GET', '/api/auth/user', ada)).status, 200);

  assert.equal((await call('DELETE', '/api/auth/user/ada', root)).status, 200);
  const create = await call('POST', '/api/auth/user', ada, { id: 'mallory', roles: ['osmo-admin'] });
  assert.equal(create.status, 401, create.text);
  assert.match(create.text, /revoked/);
  assert.equal((await call('GET', '/api/auth/user/mallory', root)).status, 400, 'no user was created');
  assert.equal((await call('GET', '/api/profile/settings', ada)).status, 401);
});

test('a removed role stops working on the next request; the roles left keep working', async () => {
  await createUser('bea', ['osmo-user', 'osmo-admin']);
  const bea = (await devLogin('bea')).token;
  assert.equal((await call('GET', '/api/auth/user', bea)).status, 200);

  assert.equal((await call('DELETE', '/api/auth/user/bea/roles/osmo-admin', root)).status, 200);
  const admin = await call('GET', '/api/auth/user', bea);
  assert.equal(admin.status, 403, admin.text);
  assert.equal((await call('GET', '/api/profile/settings', bea)).status, 200);
  const profile = JSON.parse((await call('GET', '/api/profile/settings', bea)).text) as {
    roles?: string[];
  };
  assert.deepEqual(profile.roles, ['osmo-user'], 'the profile shows the roles held now');

  // Given back, it works again without a new token: roles are read at request time.
  assert.equal(
    (await call('POST', '/api/auth/user/bea/roles', root, { role_name: 'osmo-admin' })).status,
    200,
  );
  assert.equal((await call('GET', '/api/auth/user', bea)).status, 200);
});

test('logout revokes the access tokens of that session only', async () => {
  const first = await devLogin('cid');
  const second = await devLogin('cid');
  assert.equal((await call('GET', '/api/profile/settings', first.token)).status, 200);

  assert.equal((await call('POST', '/api/auth/logout', null, { token: first.refresh_token })).status, 200);
  const after = await call('GET', '/api/profile/settings', first.token);
  assert.equal(after.status, 401, after.text);
  assert.equal((await call('GET', '/api/profile/settings', second.token)).status, 200);
});

test('a deleted personal access token takes its access tokens with it', async () => {
  const dee = (await devLogin('dee')).token;
  const tomorrow = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10);
  const created = await call('POST', `/api/auth/access_token/ci?expires_at=${tomorrow}`, dee);
  assert.equal(created.status, 200, created.text);
  // The raw secret comes back once, as a JSON string.
  const secret = JSON.parse(created.text) as string;
  const exchanged = await call('POST', '/api/auth/jwt/access_token', null, { token: secret });
  assert.equal(exchanged.status, 200, exchanged.text);
  const access = (JSON.parse(exchanged.text) as { token: string }).token;
  assert.equal((await call('GET', '/api/profile/settings', access)).status, 200);

  assert.equal((await call('DELETE', '/api/auth/access_token/ci', dee)).status, 200);
  assert.equal((await call('GET', '/api/profile/settings', access)).status, 401);
});
