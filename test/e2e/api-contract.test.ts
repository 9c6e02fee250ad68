// The typed wire contract against the real service: every route in its OpenAPI document names an
// operation and an answer schema, the document's references resolve, `/api/docs` renders it without
// anything from elsewhere, and the answers of the service's read routes parse with their schemas.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { z } from 'zod';
import '../../src/api/contract/app-wire.js';
import '../../src/api/contract/auth-wire.js';
import '../../src/api/contract/config-wire.js';
import '../../src/api/contract/dataset-wire.js';
import '../../src/api/contract/oauth-wire.js';
import '../../src/api/contract/pool-wire.js';
import '../../src/api/contract/system-wire.js';
import '../../src/api/contract/usage-wire.js';
import '../../src/api/contract/workflow-wire.js';
import { wireSchemaById } from '../../src/api/contract/wire-registry.js';
import type { ServiceProcess } from './harness.js';
import { apiCall, eventually, startServiceProcess } from './harness.js';

/**
 * Routes of other features still without an operationId or an answer schema, as `METHOD /path`.
 * Give such a route both (src/api/contract) and take it off this list: the test fails either way
 * until the list matches the service.
 */
const PENDING = new Set<string>([]);

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required: boolean;
}
interface Operation {
  readonly operationId?: string;
  readonly tags?: readonly string[];
  readonly parameters: readonly Parameter[];
  readonly responses: Record<string, { content: Record<string, { schema?: { $ref?: string } }> }>;
}
interface Document {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: { readonly schemas: Record<string, unknown> };
}

let service: ServiceProcess;
let doc: Document;
let admin: string;

const operations = (): { key: string; op: Operation }[] =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
  );

const answerRef = (op: Operation): string | undefined =>
  Object.values(op.responses['200']?.content ?? {})[0]?.schema?.$ref;

before(async () => {
  service = await startServiceProcess({ args: ['--admin', 'root'], startTimeoutMs: 120_000 });
  const r = await apiCall(service.url, 'GET', '/api/openapi.json', null);
  assert.equal(r.status, 200, r.text);
  doc = JSON.parse(r.text) as Document;
  const login = await apiCall(service.url, 'POST', '/api/auth/dev/login', null, { username: 'root' });
  assert.equal(login.status, 200, login.text);
  admin = (JSON.parse(login.text) as { token: string }).token;
});

after(async () => {
  await service.stop();
});

describe('the OpenAPI document', () => {
  test('every route has an operationId, a tag and a registered answer schema', () => {
    const lacking = operations()
      .filter(({ op }) => op.operationId === undefined || answerRef(op) === undefined)
      .map(({ key }) => key);
    const unexpected = lacking.filter((k) => !PENDING.has(k));
    assert.deepEqual(
      unexpected,
      [],
      `routes without an operationId or answer schema: ${unexpected.join(', ')}`,
    );
    const done = [...PENDING].filter((k) => !lacking.includes(k));
    assert.deepEqual(done, [], `take these off PENDING in this test: ${done.join(', ')}`);
    for (const { key, op } of operations()) assert.equal(op.tags?.length, 1, `${key} has no tag`);
  });

  test('operationIds are unique', () => {
    const seen = new Map<string, string>();
    for (const { key, op } of operations()) {
      if (op.operationId === undefined) continue;
      assert.equal(
        seen.get(op.operationId),
        undefined,
        `${op.operationId} names ${key} and ${seen.get(op.operationId)}`,
      );
      seen.set(op.operationId, key);
    }
    assert.ok(seen.size > 90, `only ${seen.size} operations`);
  });

  test('every $ref resolves to a component schema', () => {
    const refs = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === 'object' && v !== null) {
        for (const [k, child] of Object.entries(v)) {
          if (k === '$ref' && typeof child === 'string') refs.add(child);
          else walk(child);
        }
      }
    };
    walk(doc);
    assert.ok(refs.size > 50, `only ${refs.size} references`);
    for (const ref of refs) {
      const m = /^#\/components\/schemas\/([A-Za-z0-9_]+)$/.exec(ref);
      assert.ok(m?.[1] !== undefined && m[1] in doc.components.schemas, `${ref} does not resolve`);
    }
  });

  test('optional parameters are marked optional, path parameters required', () => {
    const list = doc.paths['/api/workflow']?.['get'];
    const param = (name: string) => list?.parameters.find((p) => p.name === name);
    assert.equal(param('limit')?.required, false);
    assert.equal(param('users')?.required, false);
    assert.equal(param('submitted_after')?.required, false);
    const query = doc.paths['/api/workflow/{name}']?.['get'];
    assert.equal(query?.parameters.find((p) => p.name === 'name')?.required, true);
    const manifest = doc.paths['/api/bucket/{bucket}/dataset/{name}/manifest']?.['get'];
    assert.equal(manifest?.parameters.find((p) => p.name === 'version')?.required, true);
  });
});

test('/api/docs renders every operation from the service itself, without a login', async () => {
  const response = await fetch(`${service.url}/api/docs`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  const html = await response.text();
  for (const { op } of operations()) {
    if (op.operationId !== undefined) assert.ok(html.includes(`id="op-${op.operationId}"`), op.operationId);
  }
  for (const id of Object.keys(doc.components.schemas)) assert.ok(html.includes(`id="schema-${id}"`), id);
  // Nothing is loaded from elsewhere: no scripts at all, and no absolute URLs in src or href.
  assert.doesNotMatch(html, /<script|src="http|href="http/);
});

describe('answers parse with their schemas', () => {
  const check = async (path: string, token: string | null = admin): Promise<unknown> => {
    const template = path.split('?')[0] ?? path;
    const op = Object.entries(doc.paths)
      .map(([p, methods]) => ({
        re: new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`),
        op: methods['get'],
      }))
      .find(({ re, op }) => op !== undefined && re.test(template))?.op;
    assert.ok(op, `no GET route for ${template}`);
    const id = (answerRef(op) ?? '').split('/').pop() ?? '';
    const schema: z.ZodType | undefined = wireSchemaById(id);
    assert.ok(schema, `no wire schema ${id} for ${template}`);
    const r = await apiCall(service.url, 'GET', path, token);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    const answer: unknown = JSON.parse(r.text);
    const parsed = schema.safeParse(answer);
    assert.ok(
      parsed.success,
      `${path} (${id}): ${parsed.success ? '' : JSON.stringify(parsed.error.issues)}`,
    );
    return answer;
  };

  test('system, identity, pools, configs and usage', async () => {
    for (const path of [
      '/health',
      '/healthz',
      '/readyz',
      '/api/version',
      '/client/version',
      '/.well-known/oauth-authorization-server',
      '/.well-known/oauth-protected-resource',
      '/.well-known/oauth-protected-resource/mcp',
    ]) {
      await check(path, null);
    }
    for (const path of [
      '/api/auth/login',
      '/api/auth/keys',
      '/api/auth/user',
      '/api/auth/user/root',
      '/api/auth/user/root/roles',
      '/api/auth/access_token',
      '/api/profile/settings',
      '/api/credentials',
      '/api/pool',
      '/api/pool_quota',
      '/api/resources?all_pools=true',
      '/api/resources?concise=true',
      '/api/configs/pool',
      '/api/configs/pool/default',
      '/api/configs/backend',
      '/api/configs/workflow',
      '/api/configs/resource_validation',
      '/api/configs/role',
      '/api/configs/history',
      '/api/usage',
      '/api/bucket',
      '/api/bucket/list_dataset',
      '/api/app',
      '/api/tag',
      '/api/users',
    ]) {
      await check(path);
    }
  });

  test('a submitted workflow, its tasks and its listing', async () => {
    const spec =
      'workflow:\n  name: contract\n  tasks:\n  - name: t\n    image: ubuntu\n    command: ["true"]\n';
    const submit = await apiCall(service.url, 'POST', '/api/pool/default/workflow', admin, { file: spec });
    assert.equal(submit.status, 200, submit.text);
    const name = (JSON.parse(submit.text) as { name: string }).name;
    // Wait until the workflow has its task rows, so the task schemas see real ones.
    await eventually(async () => {
      const answer = (await check(`/api/workflow/${name}`)) as { groups: { tasks: unknown[] }[] };
      return answer.groups.some((g) => g.tasks.length > 0) ? true : null;
    }, 60_000);
    await check('/api/workflow?all_users=true');
    await check('/api/task?all_users=true');
    await check('/api/task?all_users=true&summary=true');
    await check(`/api/workflow/${name}/task/t`);
  });
});
