import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readLoginFile } from '../../config/login-file.js';
import { fakeJwt, startCannedServer, type CannedServer } from '../../../test/fixtures/cli/canned-server.js';
import { loginTo, runOsmo, tempConfigDir } from '../../../test/fixtures/cli/harness.js';

describe('osmo login / logout / version / refresh', () => {
  let server: CannedServer;
  const fresh = fakeJwt({ exp: Math.floor(Date.now() / 1000) + 3600, name: 'Jane Doe' });
  before(async () => {
    server = await startCannedServer({
      'POST /api/auth/dev/login': (req) => {
        const { username } = JSON.parse(req.body) as { username: string };
        return {
          json: {
            token: fakeJwt({ exp: 9999999999, unique_name: username }),
            expires_at: 9999999999,
            refresh_token: 'opaque-1',
          },
        };
      },
      'POST /api/auth/jwt/access_token': (req) => {
        const { token } = JSON.parse(req.body) as { token: string };
        return token === 'bad'
          ? { status: 400, text: 'Access Token is invalid' }
          : { json: { token: fresh, expires_at: 1 } };
      },
      'POST /api/auth/logout': () => ({ json: null }),
      'GET /api/version': () => ({ json: { major: '6', minor: '4', revision: '0', hash: 'abc' } }),
      'GET /api/workflow': () => ({ json: { workflows: [], more_entries: false } }),
    });
  });
  after(() => server.close());

  test('dev login stores a token login with mode 0600 and sorted keys', async () => {
    const config = tempConfigDir();
    const run = await runOsmo(config, ['login', `${server.url}/`, '--method', 'dev', '--username', 'alice']);
    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.stdout, `Logging in to ${server.url}\nSuccessfully logged in. Welcome alice.\n`);
    const path = join(config, 'login.yaml');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const text = readFileSync(path, 'utf8');
    assert.deepEqual(
      text
        .split('\n')
        .filter((l) => /^\w/.test(l))
        .map((l) => l.split(':')[0]),
      ['dev_login', 'name', 'osmo_token', 'token_login', 'url'],
    );
    const login = await readLoginFile(config);
    assert.equal(login?.url, server.url);
    assert.equal(login?.osmo_token, true);
    assert.deepEqual(
      { ...login?.token_login, id_token: 'x' },
      {
        id_token: 'x',
        refresh_token: 'opaque-1',
        refresh_url: `${server.url}/api/auth/jwt/access_token`,
        client_id: null,
        username: 'alice',
      },
    );
  });

  test('token login exchanges the access token; a bad token is a server error (exit 10)', async () => {
    const config = tempConfigDir();
    const ok = await runOsmo(config, ['login', server.url, '--method', 'token', '--token', 'good']);
    assert.equal(ok.code, 0);
    assert.match(ok.stdout, /Welcome Jane Doe\.\n$/);
    const bad = await runOsmo(tempConfigDir(), ['login', server.url, '--meth', 'token', '--token', 'bad']);
    assert.equal(bad.code, 10);
    assert.match(
      bad.stdout,
      /Unable to refresh login token \(status code 400\): Access Token is invalid\nPlease re-login with "osmo login"/,
    );
  });

  test('an explicit pkce browser flow is refused with a pointer to the device login', async () => {
    const run = await runOsmo(tempConfigDir(), ['login', server.url, '--method', 'pkce']);
    assert.equal(run.code, 2);
    assert.match(
      run.stdout,
      /does not provide a browser endpoint for PKCE login\. Use "osmo login <url> --method code"/,
    );
  });

  test('login without a URL and without a previous login', async () => {
    const run = await runOsmo(tempConfigDir(), ['login', '--method', 'dev', '--username', 'a']);
    assert.equal(run.code, 2);
    assert.match(
      run.stdout,
      /No url provided and no previous login found\. Please provide a url: osmo login <url>/,
    );
  });

  test('an expired token is refreshed before the request and login.yaml is rewritten', async () => {
    const config = tempConfigDir();
    await loginTo(config, server.url, fakeJwt({ exp: Math.floor(Date.now() / 1000) - 10 }));
    const run = await runOsmo(config, ['workflow', 'list']);
    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.stdout, 'There are no workflows to view.\n');
    const refresh = server.requests.findLast((r) => r.path === '/api/auth/jwt/access_token');
    assert.deepEqual(JSON.parse(refresh?.body ?? '{}'), { token: 'refresh-1' });
    assert.equal(server.requests.at(-1)?.headers['authorization'], `Bearer ${fresh}`);
    assert.equal((await readLoginFile(config))?.token_login?.id_token, fresh);
  });

  test('version shows client and service; without login only the client', async () => {
    const config = tempConfigDir();
    await loginTo(config, server.url, fresh);
    const run = await runOsmo(config, ['version']);
    // An upstream service sends no osmo_version: its line is upstream's alone.
    assert.equal(run.stdout, 'OSMO client version:  6.4.0 (osmo 0.1.0)\nOSMO service version: 6.4.0.abc\n');
    assert.equal(server.requests.at(-1)?.headers['x-osmo-client-version'], undefined);
    const offline = await runOsmo(tempConfigDir(), ['version', '-t', 'json']);
    assert.equal(offline.code, 0);
    assert.equal(
      offline.stdout,
      '{\n    "client": {\n        "major": "6",\n        "minor": "4",\n        "revision": "0",\n        "hash": "",\n        "osmo_version": "0.1.0"\n    }\n}\n',
    );
    assert.match(offline.stderr, /unavailable/);
  });

  test('logout revokes the session and deletes login.yaml', async () => {
    const config = tempConfigDir();
    await loginTo(config, server.url, fresh);
    const run = await runOsmo(config, ['logout']);
    assert.equal(run.stdout, 'Successfully logged out.\n');
    assert.deepEqual(JSON.parse(server.requests.at(-1)?.body ?? '{}'), { token: 'refresh-1' });
    assert.equal(existsSync(join(config, 'login.yaml')), false);
  });
});
