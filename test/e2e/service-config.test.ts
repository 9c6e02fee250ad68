// End to end: the SERVICE config is served in upstream's shape to admins, its private key masked, and
// `osmo config show SERVICE` prints it; users without config read are refused as on every config route.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ServiceProcess } from './harness.js';
import { apiCall, devToken, loginAs, osmo, startServiceProcess } from './harness.js';

let service: ServiceProcess;

before(async () => {
  service = await startServiceProcess({ args: ['--admin', 'root'] });
});
after(async () => {
  await service.stop();
});

const tokenOf = (user: string): Promise<string> => devToken(service.url, user);

interface ServiceConfigAnswer {
  service_base_url: string;
  service_auth: {
    keys: Record<string, { public_key: string; private_key: string }>;
    active_key: string;
    issuer: string;
    audience: string;
    login_info: { device_endpoint: string; token_endpoint: string };
    max_token_duration: string;
  };
  cli_config: Record<string, unknown>;
}

test('an admin reads the SERVICE config with its private key masked; its public key verifies tokens', async () => {
  const r = await apiCall(service.url, 'GET', '/api/configs/service', await tokenOf('root'));
  assert.equal(r.status, 200, r.text);
  const config = JSON.parse(r.text) as ServiceConfigAnswer;
  assert.equal(config.service_base_url, service.url);
  const auth = config.service_auth;
  assert.equal(auth.issuer, 'osmo');
  assert.equal(auth.audience, 'osmo');
  assert.equal(auth.max_token_duration, '365d');
  assert.equal(auth.login_info.device_endpoint, `${service.url}/api/auth/device/code`);
  assert.deepEqual(Object.keys(auth.keys), [auth.active_key]);
  const key = auth.keys[auth.active_key];
  assert.ok(key);
  assert.equal(key.private_key, '**********');
  // The public key is the one the service publishes: the key that signs its tokens.
  const published = JSON.parse((await apiCall(service.url, 'GET', '/api/auth/keys', null)).text) as {
    keys: { kid: string; n: string }[];
  };
  assert.deepEqual(JSON.parse(key.public_key), published.keys[0]);
  // Nothing of the private key travels: no private JWK member, no PEM.
  assert.doesNotMatch(r.text, /"d"\s*:|PRIVATE KEY|"p"\s*:|"q"\s*:/);
  assert.deepEqual(config.cli_config, {
    latest_version: null,
    min_supported_version: null,
    client_install_url: null,
  });
});

test('a user without config read is refused the SERVICE config, as every config route refuses', async () => {
  const alice = await tokenOf('alice');
  const service_ = await apiCall(service.url, 'GET', '/api/configs/service', alice);
  const workflow = await apiCall(service.url, 'GET', '/api/configs/workflow', alice);
  assert.equal(service_.status, 403, service_.text);
  assert.equal(service_.status, workflow.status);
  assert.equal(service_.text, workflow.text);
  assert.equal((await apiCall(service.url, 'GET', '/api/configs/service', null)).status, 401);
  const cli = await osmo(await loginAs(service.url, 'alice'), ['config', 'show', 'SERVICE']);
  assert.notEqual(cli.code, 0);
  assert.match(cli.stdout + cli.stderr, /access denied/);
});

test('writes to the SERVICE config are refused with why: it comes from the service flags', async () => {
  const root = await tokenOf('root');
  for (const [method, body] of [
    ['PUT', { configs: { service_base_url: 'https://elsewhere' } }],
    ['PATCH', { configs_dict: { service_base_url: 'https://elsewhere' } }],
  ] as const) {
    const r = await apiCall(service.url, method, '/api/configs/service', root, body);
    assert.equal(r.status, 409, r.text);
    assert.match(r.text, /osmo service start/);
  }
  const alice = await apiCall(service.url, 'PATCH', '/api/configs/service', await tokenOf('alice'), {
    configs_dict: {},
  });
  assert.equal(alice.status, 403, alice.text);
});

test('osmo config show SERVICE prints it, and drills into a field', async () => {
  const root = await loginAs(service.url, 'root');
  const shown = await osmo(root, ['config', 'show', 'SERVICE']);
  assert.equal(shown.code, 0, shown.stdout + shown.stderr);
  const config = JSON.parse(shown.stdout) as ServiceConfigAnswer;
  assert.equal(config.service_base_url, service.url);
  assert.equal(Object.values(config.service_auth.keys)[0]?.private_key, '**********');
  const issuer = await osmo(root, ['config', 'show', 'SERVICE', 'service_auth', 'issuer']);
  assert.equal(issuer.code, 0, issuer.stderr);
  assert.equal(issuer.stdout, '"osmo"\n');
});
