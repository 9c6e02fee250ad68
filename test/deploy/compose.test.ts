// deploy/compose.yaml: the service is configured only with flags and variables it really accepts, its
// secrets come from files the compose file names and make-secrets.sh creates, and none is inline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import {
  entrypointFileVariables,
  REPO_ROOT,
  SECRET_NAME,
  serviceStartFlags,
  serviceVariables,
  URL_WITH_PASSWORD,
} from './deploy-surface.js';

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  secrets?: string[];
  depends_on?: Record<string, { condition: string }>;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets: Record<string, { file: string }>;
  volumes: Record<string, unknown>;
}

const COMPOSE_DIR = join(REPO_ROOT, 'deploy');

async function compose(): Promise<ComposeFile> {
  return parse(await readFile(join(COMPOSE_DIR, 'compose.yaml'), 'utf8')) as ComposeFile;
}

test('compose runs osmo beside PostgreSQL and an S3 server, and waits for both', async () => {
  const file = await compose();
  assert.deepEqual(Object.keys(file.services).sort(), ['bucket', 'minio', 'osmo', 'postgres']);
  const osmo = file.services['osmo']!;
  assert.match(osmo.environment?.['OSMO_POSTGRES_URL'] ?? '', /^postgres:\/\/osmo@postgres:5432\/osmo$/);
  assert.equal(osmo.environment?.['OSMO_S3_ENDPOINT'], 'http://minio:9000');
  assert.match(osmo.environment?.['OSMO_STORAGE_URL'] ?? '', /^s3:\/\/osmo$/);
  assert.equal(osmo.depends_on?.['postgres']?.condition, 'service_healthy');
  assert.equal(osmo.depends_on?.['bucket']?.condition, 'service_completed_successfully');
  // The bucket the service writes to is the one the bucket job creates.
  assert.match(file.services['bucket']?.command?.join(' ') ?? '', /mc mb --ignore-existing store\/osmo\b/);
});

test('every flag and variable compose gives the service is one the service reads', async () => {
  const osmo = (await compose()).services['osmo']!;
  const flags = await serviceStartFlags();
  assert.ok(flags.has('--postgres-url') && flags.has('--data-dir'), [...flags].join(' '));
  const passed = (osmo.command ?? []).filter((a) => a.startsWith('--'));
  assert.ok(passed.length > 0);
  assert.deepEqual(
    passed.filter((f) => !flags.has(f)),
    [],
    'flags osmo service start does not know',
  );
  const known = serviceVariables();
  const fromFiles = entrypointFileVariables();
  const unknown = Object.keys(osmo.environment ?? {}).filter((name) => {
    if (name.endsWith('_FILE')) return !fromFiles.has(name.slice(0, -'_FILE'.length));
    return !known.has(name);
  });
  assert.deepEqual(unknown, [], 'variables the service (or its entrypoint) does not read');
  // The entrypoint fills only variables the service reads.
  assert.deepEqual(
    [...fromFiles].filter((n) => !known.has(n)),
    [],
  );
});

test('no secret is written into the compose file: each comes from a secret file', async () => {
  const file = await compose();
  for (const [name, service] of Object.entries(file.services)) {
    for (const [key, value] of Object.entries(service.environment ?? {})) {
      assert.doesNotMatch(String(value), URL_WITH_PASSWORD, `${name}: ${key} carries a password`);
      if (SECRET_NAME.test(key)) assert.fail(`${name}: ${key} is set inline; use ${key}_FILE`);
      if (key.endsWith('_FILE')) {
        const secret = /^\/run\/secrets\/([a-z0-9-]+)$/.exec(String(value))?.[1];
        assert.ok(secret !== undefined, `${name}: ${key} is not a mounted secret`);
        assert.ok(service.secrets?.includes(secret), `${name}: ${key} names ${secret}, not mounted`);
      }
    }
    for (const secret of service.secrets ?? []) assert.ok(secret in file.secrets, secret);
  }
  const osmo = file.services['osmo']!;
  for (const needed of ['OSMO_MASTER_KEY_FILE', 'PGPASSWORD_FILE', 'AWS_SECRET_ACCESS_KEY_FILE']) {
    assert.ok(needed in (osmo.environment ?? {}), needed);
  }
});

test('make-secrets.sh creates every secret file compose names, and keeps them when run again', async () => {
  const file = await compose();
  const dir = await mkdtemp(join(tmpdir(), 'osmo-compose-secrets-'));
  try {
    const run = (): Promise<{ stdout: string }> =>
      promisify(execFile)('sh', [join(COMPOSE_DIR, 'make-secrets.sh'), dir], { timeout: 30_000 });
    await run();
    for (const [name, { file: path }] of Object.entries(file.secrets)) {
      assert.match(path, /^\.\/secrets\/[a-z0-9-]+$/, name);
      const content = (await readFile(join(dir, path.slice('./secrets/'.length)), 'utf8')).trim();
      assert.ok(content.length >= 8, `${name} is too short`);
    }
    const key = (await readFile(join(dir, 'master-key'), 'utf8')).trim();
    assert.equal(Buffer.from(key, 'base64').length, 32, 'the master key is base64 of 32 bytes');
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    const second = await run();
    assert.match(second.stdout, /kept\s+\S+master-key/);
    assert.equal((await readFile(join(dir, 'master-key'), 'utf8')).trim(), key);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
