// The Containerfile's build steps, checked against the repository (no base image can be pulled here),
// and its entrypoint run for real with the service it starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, constants, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ENTRYPOINT, REPO_ROOT, serviceStartFlags } from './deploy-surface.js';

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  name: string;
  from: string;
  steps: Instruction[];
}

/** Instructions in order, continuation lines joined, comments dropped; each FROM opens a stage. */
async function stages(): Promise<{ args: Instruction[]; stages: Stage[] }> {
  const text = (await readFile(join(REPO_ROOT, 'Containerfile'), 'utf8')).replace(/\\\n/g, ' ');
  const out: Stage[] = [];
  const before: Instruction[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Z]+)\s+(.*)$/.exec(line);
    assert.ok(match, `not an instruction: ${line}`);
    const step = { op: match[1]!, args: match[2]!.replace(/\s+/g, ' ') };
    if (step.op === 'FROM') {
      const from = /^(\S+) AS (\S+)$/.exec(step.args);
      assert.ok(from, `every stage is named: ${step.args}`);
      out.push({ from: from[1]!, name: from[2]!, steps: [] });
    } else if (out.length === 0) {
      before.push(step);
    } else {
      out.at(-1)!.steps.push(step);
    }
  }
  return { args: before, stages: out };
}

const json = (args: string): string[] => JSON.parse(args) as string[];

test('the build stage installs from the lock file and runs scripts package.json has', async () => {
  const { args, stages: all } = await stages();
  assert.deepEqual(
    all.map((s) => s.name),
    ['build', 'runtime'],
  );
  const declared = new Set(args.filter((a) => a.op === 'ARG').map((a) => a.args.split('=')[0]));
  for (const stage of all) assert.ok(declared.has(/^\$\{(\w+)\}$/.exec(stage.from)?.[1]), stage.from);
  const scripts = (
    JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const build = all[0]!;
  const runs = build.steps.filter((s) => s.op === 'RUN').map((s) => s.args);
  assert.ok(
    runs.some((r) => /\bnpm ci\b/.test(r)),
    'npm ci, from package-lock.json',
  );
  for (const run of runs) {
    for (const m of run.matchAll(/npm run (\S+)/g)) assert.ok(m[1]! in scripts, `npm run ${m[1]}`);
  }
  assert.ok(
    runs.some((r) => /npm prune --omit=dev/.test(r)),
    'dev dependencies are pruned',
  );
  const copies = build.steps.filter((s) => s.op === 'COPY').map((s) => s.args.split(' '));
  for (const copy of copies) {
    for (const source of copy.slice(0, -1).filter((s) => s !== '.')) {
      await access(join(REPO_ROOT, source));
    }
  }
});

test('the runtime stage copies only what the service needs, from where the build puts it', async () => {
  const runtime = (await stages()).stages[1]!;
  const fromBuild = runtime.steps
    .filter((s) => s.op === 'COPY' && s.args.startsWith('--from=build '))
    .map((s) => s.args.split(' ')[1]!.replace(/^\/src\//, ''));
  assert.deepEqual(fromBuild.sort(), ['bin', 'dist/src', 'node_modules', 'package.json', 'web/dist']);
  // Those the build makes are where tsc and vite write them.
  const tsconfig = JSON.parse(await readFile(join(REPO_ROOT, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { outDir: string; rootDir: string };
  };
  assert.equal(tsconfig.compilerOptions.outDir, 'dist');
  assert.equal(tsconfig.compilerOptions.rootDir, '.');
  assert.match(await readFile(join(REPO_ROOT, 'web', 'vite.config.mjs'), 'utf8'), /outDir: 'dist'/);
  await access(join(REPO_ROOT, 'bin', 'osmo'), constants.X_OK);
  assert.match(await readFile(join(REPO_ROOT, 'bin', 'osmo'), 'utf8'), /'\.\.\/dist\/src\/main\/cli\.js'/);
  const installs = runtime.steps.filter((s) => s.op === 'RUN' && /apt-get install/.test(s.args));
  assert.match(installs.map((s) => s.args).join(' '), /\bbubblewrap\b/);
  assert.match(installs.map((s) => s.args).join(' '), /\btini\b/);
  // The context the image is built from leaves out what is built or local.
  const ignored = (await readFile(join(REPO_ROOT, '.dockerignore'), 'utf8')).split('\n');
  for (const path of ['node_modules', 'dist', 'web/dist', '.git', 'deploy/secrets']) {
    assert.ok(ignored.includes(path), path);
  }
});

test('the image runs the service as a non-root user, on a data volume, with a health check', async () => {
  const runtime = (await stages()).stages[1]!;
  const last = (op: string): string => runtime.steps.filter((s) => s.op === op).at(-1)?.args ?? '';
  assert.match(last('USER'), /^[1-9]\d*(:[1-9]\d*)?$/, 'a numeric non-root uid');
  const dataDir = /OSMO_DATA_DIR=(\S+)/.exec(last('ENV'))?.[1];
  assert.ok(dataDir !== undefined);
  assert.deepEqual(json(last('VOLUME')), [dataDir]);
  assert.match(last('HEALTHCHECK'), /http:\/\/127\.0\.0\.1:8000\/healthz/);
  assert.match(
    await readFile(join(REPO_ROOT, 'src', 'api', 'routes', 'operations.ts'), 'utf8'),
    /url: '\/healthz'/,
  );
  const entry = json(last('ENTRYPOINT'));
  assert.deepEqual(entry, ['tini', '--', 'osmo-entrypoint']);
  const copyEntry = runtime.steps.find((s) => s.op === 'COPY' && s.args.endsWith('/osmo-entrypoint'));
  assert.equal(copyEntry?.args.split(' ')[0], 'deploy/container/entrypoint.sh');
  const flags = await serviceStartFlags();
  const cmd = json(last('CMD'));
  assert.deepEqual(
    cmd.filter((a) => a.startsWith('--') && !flags.has(a)),
    [],
  );
  assert.deepEqual(cmd.slice(cmd.indexOf('--port'), cmd.indexOf('--port') + 2), ['--port', '8000']);
});

/** Runs the entrypoint as the image does, with the repository's osmo first on PATH. */
function entrypoint(args: string[], env: Record<string, string>) {
  const child = spawn('sh', [ENTRYPOINT, ...args], {
    env: { PATH: `${join(REPO_ROOT, 'bin')}:${dirname(process.execPath)}:/usr/bin:/bin`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

test('the entrypoint hands a secret file to the service as its variable', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'osmo-entrypoint-'));
  try {
    const keyFile = join(dir, 'master-key');
    const dataDir = join(dir, 'data');
    const args = ['--port', '0', '--dev', '--data-dir', dataDir, '--backend', 'process'];
    // A short key from the file is refused by the service itself: the file's content reached it.
    await writeFile(keyFile, `${Buffer.alloc(16, 1).toString('base64')}\n`);
    const bad = entrypoint(args, { OSMO_MASTER_KEY_FILE: keyFile, HOME: dir });
    assert.notEqual(await bad.exited, 0);
    assert.match(bad.output(), /master key must be 32 bytes of base64, got 16 bytes/);

    // Both forms at once is a mistake the entrypoint names.
    const both = entrypoint(args, { OSMO_MASTER_KEY_FILE: keyFile, OSMO_MASTER_KEY: 'x', HOME: dir });
    assert.equal(await both.exited, 64);
    assert.match(both.output(), /both OSMO_MASTER_KEY and OSMO_MASTER_KEY_FILE are set/);

    // A good key from the file: the service serves /healthz and makes no master-key file of its own.
    await writeFile(keyFile, `${Buffer.alloc(32, 7).toString('base64')}\n`);
    const good = entrypoint(args, { OSMO_MASTER_KEY_FILE: keyFile, HOME: dir });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start: ${good.output()}`)), 90_000);
        good.child.stdout.on('data', () => {
          const m = /listening on (http:\/\/\S+)/.exec(good.output());
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        void good.exited.then((code) => reject(new Error(`exited ${code}: ${good.output()}`)));
      });
      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 200);
      await assert.rejects(stat(join(dataDir, 'master-key')), { code: 'ENOENT' });
    } finally {
      good.child.kill('SIGTERM');
      await good.exited;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** Every compiled file under dir, test files left out as the image leaves them out. */
async function runtimeFiles(dir: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.js') && !e.name.endsWith('.test.js'))
    .map((e) => join(e.parentPath, e.name));
}

test('the service and CLI import only production dependencies, which the pruned image keeps', async () => {
  const { builtinModules } = await import('node:module');
  const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const builtins = new Set(builtinModules);
  const files = await runtimeFiles(join(REPO_ROOT, 'dist', 'src'));
  assert.ok(files.length > 100, `${files.length} compiled files: run the build first`);
  // Test helpers compiled beside the code (`testing/`, `testing.js`) may use dev dependencies as long
  // as nothing the service runs imports them.
  const testOnly = (file: string): boolean => /\/testing(\/|\.js$)/.test(file);
  const outside: string[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    const specs = [
      ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm),
      ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
      ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
    ].map((m) => m[1]!);
    for (const spec of specs) {
      if (spec.startsWith('.')) {
        if (!testOnly(file) && testOnly(`/${spec}`)) outside.push(`${file.slice(REPO_ROOT.length)}: ${spec}`);
        continue;
      }
      if (spec.startsWith('node:') || builtins.has(spec) || testOnly(file)) continue;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      seen.add(name);
      if (!(name in manifest.dependencies)) outside.push(`${file.slice(REPO_ROOT.length)}: ${spec}`);
    }
  }
  for (const used of ['fastify', 'commander', 'better-sqlite3', 'pg', 'yaml'])
    assert.ok(seen.has(used), used);
  assert.deepEqual(outside, [], 'imports of packages npm prune --omit=dev removes');
});
