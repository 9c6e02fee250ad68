// The UI's static files over HTTP: content types, caching, the index fallback, path confinement, API 404s stay JSON.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { installErrorHandler } from './error-handler.js';
import { installWebUi, safeRelativePath } from './web-ui.js';

async function serve(root: string): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  installErrorHandler(app);
  app.get('/api/version', async () => ({ major: '1' }));
  installWebUi(app, { root });
  return { app, url: await app.listen({ host: '127.0.0.1', port: 0 }) };
}

/** A GET with the path sent byte for byte: fetch would resolve `..` and `%2e%2e` before sending. */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/`, { path }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a built UI', () => {
  let dir: string;
  let app: FastifyInstance;
  let url: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'osmo-webui-'));
    await mkdir(join(dir, 'ui', 'assets'), { recursive: true });
    await writeFile(join(dir, 'ui', 'index.html'), '<!doctype html><title>OSMO</title><div id="root"></div>');
    await writeFile(join(dir, 'ui', 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(join(dir, 'ui', 'favicon.svg'), '<svg/>');
    await writeFile(join(dir, 'secret.txt'), 'outside the root');
    ({ app, url } = await serve(join(dir, 'ui')));
  });
  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const path of ['/', '/workflows', '/workflows/train-12?group=g&task=t&retry=1&tab=logs', '/pools']) {
    test(`GET ${path} answers the page`, async () => {
      const res = await fetch(`${url}${path}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      assert.match(await res.text(), /<div id="root">/);
    });
  }

  test('hashed assets are immutable and typed; other files revalidate', async () => {
    const js = await fetch(`${url}/assets/index-abc123.js`);
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(await js.text(), 'console.log(1)');
    const svg = await fetch(`${url}/favicon.svg`);
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
    assert.equal(svg.headers.get('cache-control'), 'no-cache');
  });

  test('a matching ETag answers 304', async () => {
    const first = await fetch(`${url}/`);
    const etag = first.headers.get('etag') ?? '';
    assert.ok(etag !== '');
    const again = await fetch(`${url}/`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
  });

  test('a missing asset is a 404, not the page', async () => {
    const res = await fetch(`${url}/assets/index-gone.js`);
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  });

  test('API paths keep their JSON answers and 404s', async () => {
    assert.deepEqual(await (await fetch(`${url}/api/version`)).json(), { major: '1' });
    const res = await fetch(`${url}/api/nope`);
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    assert.match(((await res.json()) as { message: string }).message, /Not found: GET \/api\/nope/);
  });

  const traversals = [
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/a%5c..%5csecret.txt',
    '/%00',
  ];
  for (const path of traversals) {
    test(`traversal ${path} is refused`, async () => {
      const res = await rawGet(url, path);
      assert.equal(res.status, 400);
      assert.doesNotMatch(res.body, /outside the root/);
    });
  }
});

test('without a build, / says how to build the UI and the API still answers', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'osmo-webui-empty-'));
  const { app, url } = await serve(join(dir, 'missing'));
  try {
    const res = await fetch(`${url}/workflows/x`);
    assert.equal(res.status, 503);
    assert.match(await res.text(), /web UI is not built.*npm run build/s);
    assert.equal((await fetch(`${url}/api/version`)).status, 200);
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('safeRelativePath keeps paths inside the root', () => {
  assert.equal(safeRelativePath('/'), '');
  assert.equal(safeRelativePath('/assets/x.js'), join('assets', 'x.js'));
  assert.equal(safeRelativePath('/a/./b'), join('a', 'b'));
  assert.equal(safeRelativePath('/../etc/passwd'), null);
  assert.equal(safeRelativePath('/.env'), null);
  assert.equal(safeRelativePath('/%E0%A4%A'), null);
});
