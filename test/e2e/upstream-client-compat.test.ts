// What upstream's clients send and expect: token bodies, doubled slashes, the tag list, token expiry.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ServiceProcess } from './harness.js';
import { apiCall, loginAs, osmo, startServiceProcess } from './harness.js';

let service: ServiceProcess;
let cli: string;
let bearer: string;

const inDays = (days: number): string => new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);

before(async () => {
  service = await startServiceProcess();
  cli = await loginAs(service.url, 'ann');
  const login = await apiCall(service.url, 'POST', '/api/auth/dev/login', null, { username: 'ann' });
  assert.equal(login.status, 200, login.text);
  bearer = (JSON.parse(login.text) as { token: string }).token;
});

after(async () => {
  await service.stop();
});

test('creating a token answers the raw token as a JSON string', async () => {
  const r = await apiCall(service.url, 'POST', `/api/auth/access_token/wire?expires_at=${inDays(5)}`, bearer);
  assert.equal(r.status, 200, r.text);
  const token = JSON.parse(r.text) as unknown;
  assert.equal(typeof token, 'string');
  assert.match(token as string, /^[A-Za-z0-9_-]{43}$/);
});

test('osmo token set prints the token and exits 0, in text and JSON', async () => {
  const text = await osmo(cli, ['token', 'set', 'cli-text', '--expires-at', inDays(5)]);
  assert.equal(text.code, 0, text.stdout + text.stderr);
  assert.match(
    text.stdout,
    /^Note: Save the token in a secure location as it will not be shown again\nAccess token: [A-Za-z0-9_-]{43}\n$/,
  );
  const json = await osmo(cli, ['token', 'set', 'cli-json', '-t', 'json']);
  assert.equal(json.code, 0, json.stdout + json.stderr);
  assert.match(json.stdout, /^\{"token": "[A-Za-z0-9_-]{43}"\}\n$/);
});

test('the profile of a token login shows the real expiry of that token', async () => {
  const expires = inDays(9);
  const created = await osmo(cli, ['token', 'set', 'ci', '--expires-at', expires, '-t', 'json']);
  assert.equal(created.code, 0, created.stdout + created.stderr);
  const secret = (JSON.parse(created.stdout) as { token: string }).token;
  const exchanged = await apiCall(service.url, 'POST', '/api/auth/jwt/access_token', null, { token: secret });
  assert.equal(exchanged.status, 200, exchanged.text);
  const access = (JSON.parse(exchanged.text) as { token: string }).token;

  const profile = await apiCall(service.url, 'GET', '/api/profile/settings', access);
  assert.equal(profile.status, 200, profile.text);
  // Naive ISO 8601 of the expiry day, as every other TIMESTAMP is written.
  const expiry = new RegExp(`^${expires}T00:00:00(\\.0+)?$`);
  const token = (JSON.parse(profile.text) as { token: { name: string; expires_at: string | null } }).token;
  assert.equal(token.name, 'ci');
  assert.match(token.expires_at ?? 'null', expiry);

  const list = await osmo(cli, ['token', 'list', '-t', 'json']);
  assert.equal(list.code, 0, list.stdout + list.stderr);
  const ci = (JSON.parse(list.stdout) as { token_name: string; expires_at: string | null }[]).find(
    (t) => t.token_name === 'ci',
  );
  assert.match(ci?.expires_at ?? 'null', expiry);
});

test('a run of leading slashes before api means /api; other paths keep their meaning', async () => {
  for (const path of ['//api/pool', '//api/pool_quota', '///api/pool?pools=default']) {
    const r = await apiCall(service.url, 'GET', path, bearer);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
  }
  const plain = await apiCall(service.url, 'GET', '/api/pool', bearer);
  const doubled = await apiCall(service.url, 'GET', '//api/pool', bearer);
  assert.equal(doubled.text, plain.text);
  assert.equal((await apiCall(service.url, 'GET', '//apix/pool', bearer)).status, 404);
  assert.equal((await apiCall(service.url, 'GET', '/api//pool', bearer)).status, 404);
});

test('GET /api/tag lists the allowed tags, and osmo workflow tag prints them', async () => {
  const r = await apiCall(service.url, 'GET', '/api/tag', bearer);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(JSON.parse(r.text), { tags: [] });
  const listed = await osmo(cli, ['workflow', 'tag']);
  assert.equal(listed.code, 0, listed.stdout + listed.stderr);
  assert.equal(listed.stdout, 'No tags have been set by admins.\nTags:\n');
});
