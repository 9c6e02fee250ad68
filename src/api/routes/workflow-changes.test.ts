// The change stream and the log followers' live check: pushed by the engine's change signals, and costing the
// store nothing while the workflow does nothing.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { newSchedulingState } from '../../controller/context.js';
import { workflowChanged, workflowWatchers } from '../../controller/workflow-changes.js';
import { openObservedStore } from '../../store/store.js';
import type { Store } from '../../store/index.js';
import type { ApiDeps } from '../deps.js';
import { installErrorHandler } from '../error-handler.js';
import { registerRoutes } from '../route-table.js';
import { liveWhileUnchanged, workflowChangeRoutes } from './workflow-changes.js';

const UUID = 'a'.repeat(32);
const ID = 'watched-1';

async function insertWorkflow(store: Store): Promise<void> {
  await store.db
    .insertInto('workflows')
    .values({
      workflow_uuid: UUID,
      workflow_name: 'watched',
      job_id: 1,
      workflow_id: ID,
      submitted_by: 'alice',
      cancelled_by: null,
      submit_time: new Date().toISOString(),
      start_time: null,
      end_time: null,
      exec_timeout: 3600,
      queue_timeout: 600,
      backend: 'default',
      pool: 'default',
      version: 2,
      outputs: '',
      status: 'RUNNING',
      failure_message: null,
      parent_name: null,
      parent_job_id: null,
      app_uuid: null,
      app_version: null,
      plugins: JSON.stringify({ rsync: false }),
      labels: JSON.stringify({}),
      priority: 'NORMAL',
      spec_text: 'workflow:\n  name: watched\n',
      template_spec_text: null,
      spec_json: JSON.stringify({ name: 'watched' }),
    } as never)
    .execute();
}

/** Reads server-sent events off a fetch body, one `event:` name at a time. */
function eventReader(body: ReadableStream<Uint8Array>): () => Promise<string> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return async () => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const name = /^event: (.*)$/m.exec(block)?.[1];
        if (name !== undefined) return name;
        continue;
      }
      const { done, value } = await reader.read();
      if (done) return 'end of stream';
      buffer += value;
    }
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The change routes alone, on a free loopback port. */
async function serve(deps: ApiDeps): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  installErrorHandler(app);
  app.decorateRequest('caller', null);
  // Who calls is the header's name here; the service's own authentication is tested on its own.
  app.addHook('onRequest', async (request) => {
    request.caller = { user: String(request.headers['x-test-user']), roles: ['osmo-user'], tokenName: null };
  });
  registerRoutes(app, workflowChangeRoutes(deps, app));
  return { app, url: await app.listen({ host: '127.0.0.1', port: 0 }) };
}

describe('GET /api/workflow/<id>/changes', () => {
  let dir: string;
  let store: Store;
  let statements = 0;
  let app: FastifyInstance;
  let url: string;
  const ctx = { scheduling: newSchedulingState() };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'osmo-changes-'));
    store = await openObservedStore({ kind: 'sqlite', file: join(dir, 'osmo.db') }, () => (statements += 1));
    await insertWorkflow(store);
    ({ app, url } = await serve({ store, ctx } as unknown as ApiDeps));
  });
  after(async () => {
    await app.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('an open stream reads nothing while idle, and one burst of writes is one event', async () => {
    const abort = new AbortController();
    const res = await fetch(`${url}/api/workflow/${ID}/changes`, {
      headers: { 'x-test-user': 'alice' },
      signal: abort.signal,
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const next = eventReader(res.body as ReadableStream<Uint8Array>);
    assert.equal(await next(), 'ready');
    const opened = statements;
    assert.equal(workflowWatchers(ctx, UUID), 1);
    // Idle for a while: nothing polls.
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(statements, opened, 'an idle stream read the store');

    // A report writes the task, its group and the workflow: the page hears of it once.
    workflowChanged(ctx, UUID);
    workflowChanged(ctx, UUID);
    workflowChanged(ctx, UUID);
    assert.equal(await next(), 'changed');
    workflowChanged(ctx, UUID);
    assert.equal(await next(), 'changed');
    assert.equal(statements, opened, 'the stream itself read the store on a change');

    abort.abort();
    await until(() => workflowWatchers(ctx, UUID) === 0, 'the closed stream to stop listening');
  });

  test('closing the service ends the streams still open', { timeout: 20_000 }, async () => {
    const other = await serve({ store, ctx } as unknown as ApiDeps);
    const res = await fetch(`${other.url}/api/workflow/${ID}/changes`, {
      headers: { 'x-test-user': 'alice' },
    });
    const next = eventReader(res.body as ReadableStream<Uint8Array>);
    assert.equal(await next(), 'ready');
    // Without ending them, close() would wait for the open stream forever.
    await other.app.close();
    assert.equal(await next(), 'end of stream');
    assert.equal(workflowWatchers(ctx, UUID), 0);
  });

  test("another user's workflow looks like an unknown one", async () => {
    const res = await fetch(`${url}/api/workflow/${ID}/changes`, { headers: { 'x-test-user': 'mallory' } });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /not found/);
    assert.equal(workflowWatchers(ctx, UUID), 0);
  });
});

describe('the log followers’ live check', () => {
  test('asks the engine once while nothing changes, again after a change and once a minute', async () => {
    const ctx = { scheduling: newSchedulingState() };
    let asked = 0;
    let answer = true;
    const engine = { isLogLive: () => Promise.resolve((asked++, answer)) };
    let clock = 0;
    const abort = new AbortController();
    const isLive = liveWhileUnchanged({ ctx, engine } as unknown as ApiDeps, UUID, abort.signal, () => clock);
    assert.equal(await isLive(), true);
    // Right after subscribing it asks each time: a workflow that ended just before sends no signal.
    clock += 1000;
    await isLive();
    assert.equal(asked, 2);
    clock += 4000;
    await isLive();
    const settled = asked;
    for (let i = 0; i < 30; i++) {
      clock += 1000;
      assert.equal(await isLive(), true);
    }
    assert.equal(asked, settled, 'an idle follower asked the store');
    clock += 30_000;
    await isLive();
    assert.equal(asked, settled + 1, 'a minute passed without a second look');

    // A change: the first check after it asks, however late it comes (a follower busy reading a long log).
    workflowChanged(ctx, UUID);
    clock += 10_000;
    assert.equal(await isLive(), true);
    assert.equal(asked, settled + 2);
    clock += 1000;
    await isLive();
    assert.equal(asked, settled + 2, 'asked again long after the change');

    // The workflow ends: the checks right after ask each time, and see it once it has settled.
    workflowChanged(ctx, UUID);
    clock += 500;
    assert.equal(await isLive(), true);
    answer = false;
    clock += 1000;
    assert.equal(await isLive(), false);
    assert.equal(asked, settled + 4);
    abort.abort();
    assert.equal(workflowWatchers(ctx, UUID), 0);
  });
});
