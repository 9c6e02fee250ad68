// A short command loads only its own modules: never the service, the storage SDKs, the spec engine or the
// other commands. Checked on the module URLs the real executable loads, not on timings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fakeJwt, fixture, startCannedServer } from '../../test/fixtures/cli/canned-server.js';
import { loginTo, tempConfigDir } from '../../test/fixtures/cli/harness.js';

const bin = join(process.cwd(), 'bin', 'osmo');
const recorder = new URL('./testing/load-recorder.js', import.meta.url).href;

/** ES modules through the loader hook; CommonJS ones (fastify, the AWS SDK, dockerode) from require's cache. */
function preload(file: string): string {
  const source = [
    "import { register, createRequire } from 'node:module';",
    "import { appendFileSync } from 'node:fs';",
    "import { pathToFileURL } from 'node:url';",
    `register(${JSON.stringify(recorder)}, { data: { file: ${JSON.stringify(file)} } });`,
    `const cache = createRequire(${JSON.stringify(recorder)}).cache;`,
    `process.on('exit', () => appendFileSync(${JSON.stringify(file)}, Object.keys(cache).map((p) => pathToFileURL(p).href + '\\n').join('')));`,
  ].join('\n');
  return `data:text/javascript,${encodeURIComponent(source)}`;
}

async function loadedBy(
  args: readonly string[],
  configDir: string,
): Promise<{ code: number | null; out: string; modules: string[] }> {
  const file = join(configDir, 'modules.txt');
  const env = { ...process.env, OSMO_CONFIG_FILE_DIR: configDir };
  const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', preload(file), bin, ...args], { env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('close', (c) => resolve({ code: c, out }));
  });
  return {
    code,
    out,
    modules: readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== ''),
  };
}

const dist = pathToFileURL(join(process.cwd(), 'dist', 'src')).href;
const SERVICE_PARTS = [
  'store',
  'api',
  'controller',
  'backends',
  'runtime',
  'scheduler',
  'spec',
  'storage',
  'identity',
];
const HEAVY_PACKAGES = [
  'fastify',
  '@aws-sdk',
  'dockerode',
  'pg',
  'better-sqlite3',
  'kysely',
  'pino',
  '@huggingface/jinja',
  'yaml',
  'zod',
];

function offending(
  modules: readonly string[],
  packages: readonly string[],
  parts: readonly string[],
): string[] {
  return modules.filter(
    (url) =>
      parts.some((part) => url.startsWith(`${dist}/${part}/`)) ||
      packages.some((pkg) => url.includes(`/node_modules/${pkg}/`)),
  );
}

test('osmo workflow list loads neither the service, the storage SDKs, YAML, zod nor other commands', async () => {
  const server = await startCannedServer({
    'GET /api/workflow': () => ({ json: JSON.parse(fixture('workflow_list.json')) as unknown }),
  });
  try {
    const config = tempConfigDir();
    await loginTo(config, server.url, fakeJwt({ exp: 9999999999 }));
    const run = await loadedBy(['workflow', 'list'], config);
    assert.equal(run.code, 0, run.out);
    assert.equal(server.requests.length, 1);
    // The recorder sees the command's own module, so an empty list below means something.
    assert.ok(run.modules.includes(`${dist}/cli/commands/workflow/list.js`), run.modules.join('\n'));
    assert.ok(run.modules.some((url) => url.includes('/node_modules/commander/')));
    assert.deepEqual(offending(run.modules, HEAVY_PACKAGES, SERVICE_PARTS), []);
    assert.deepEqual(
      run.modules.filter(
        (url) => url.startsWith(`${dist}/cli/commands/`) && !/\/commands\/(workflow|shared)\//.test(url),
      ),
      [],
    );
    assert.deepEqual(
      run.modules.filter(
        (url) => url.startsWith(`${dist}/main/`) && !/\/main\/(cli|service-command)\.js$/.test(url),
      ),
      [],
    );
  } finally {
    await server.close();
  }
});

test('osmo workflow list --help and osmo --help load no part of the service', async () => {
  const config = tempConfigDir();
  const leaf = await loadedBy(['workflow', 'list', '--help'], config);
  assert.equal(leaf.code, 0, leaf.out);
  assert.match(leaf.out, /Usage: osmo workflow list/);
  assert.deepEqual(offending(leaf.modules, HEAVY_PACKAGES, SERVICE_PARTS), []);
  // Every command is declared for the full listing; the service and the SDKs still stay out.
  const root = await loadedBy(['--help'], config);
  assert.equal(root.code, 0, root.out);
  assert.match(root.out, /dataset/);
  assert.deepEqual(
    offending(
      root.modules,
      ['fastify', '@aws-sdk', 'dockerode', 'pg', 'better-sqlite3'],
      ['store', 'controller', 'backends', 'runtime', 'scheduler'],
    ),
    [],
  );
});
