// The real service serves the built UI at `/` with its routes falling back to the page; the API stays JSON.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import type { ServiceProcess } from './harness.js';
import { startServiceProcess } from './harness.js';

let service: ServiceProcess;
before(async () => {
  service = await startServiceProcess();
});
after(async () => {
  await service.stop();
});

function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${service.url}/`, { path }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('/ and the UI routes answer the page, whose script is served as JavaScript', async () => {
  let script = '';
  for (const path of [
    '/',
    '/workflows',
    '/workflows/x?group=g&task=t&retry=0&tab=logs',
    '/pools',
    '/profile',
  ]) {
    const res = await fetch(`${service.url}${path}`);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8', path);
    const html = await res.text();
    assert.match(html, /<div id="root"><\/div>/, path);
    script = /<script type="module"[^>]* src="([^"]+)"/.exec(html)?.[1] ?? '';
  }
  assert.match(script, /^\/assets\/.+\.js$/);
  const js = await fetch(`${service.url}${script}`);
  assert.equal(js.status, 200);
  assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.match(js.headers.get('cache-control') ?? '', /immutable/);
});

test('unknown API paths stay JSON 404s, and other methods are not the page', async () => {
  for (const path of ['/api/nope', '/api/workflow/x/nope/deeper', '/api']) {
    const res = await fetch(`${service.url}${path}`);
    assert.equal(res.status, 404, path);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/, path);
  }
  const post = await fetch(`${service.url}/workflows`, { method: 'POST' });
  assert.equal(post.status, 404);
  // The API's own answers are untouched.
  assert.equal(
    (await fetch(`${service.url}/api/version`)).headers.get('content-type'),
    'application/json; charset=utf-8',
  );
  assert.equal((await fetch(`${service.url}/api/workflow`)).status, 401);
});

test('path traversal out of the UI folder is refused', async () => {
  for (const path of [
    '/../package.json',
    '/assets/../../package.json',
    '/..%2f..%2fpackage.json',
    '/%2e%2e/%2e%2e/package.json',
  ]) {
    const res = await rawGet(path);
    assert.equal(res.status, 400, path);
    assert.doesNotMatch(res.body, /"name": "osmo"/, path);
  }
});
