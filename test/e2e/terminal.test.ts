// Terminal manners of the real `osmo` executable: tables fit the terminal and colour statuses on a
// real pseudo-terminal, piped output keeps the reference layout, help fits, typos get suggestions,
// completion scripts work in the real shells, and progress bars never land in a redirected file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestS3Server, type TestS3Server } from '../../src/storage/testing/s3-test-server.js';
import { loginAs, osmo, REPO_ROOT, startServiceProcess, tempDir, type ServiceProcess } from './harness.js';
import { COLOURED_STATUS, ESC, osmoOnPty, stripAnsi } from './pty.js';

let service: ServiceProcess;
let configDir: string;

before(async () => {
  service = await startServiceProcess();
  configDir = await loginAs(service.url, 'terminal-user@example.com');
  const spec = join(REPO_ROOT, 'examples', 'quickstart.yaml');
  for (let i = 0; i < 2; i += 1) {
    const r = await osmo(configDir, ['workflow', 'submit', spec, '--label', 'team=robotics-research']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  }
});
after(async () => service.stop());

const lines = (text: string): string[] => stripAnsi(text).trimEnd().split('\n');

test('workflow list on an 80-column terminal fits, keeps IDs whole and colours statuses', async () => {
  const r = await osmoOnPty(configDir, ['workflow', 'list'], { columns: 80 });
  assert.equal(r.code, 0, r.screen);
  for (const line of lines(r.screen)) assert.ok(line.length <= 80, `${line.length}: ${line}`);
  assert.match(stripAnsi(r.screen), /quickstart-1 /);
  assert.match(stripAnsi(r.screen), /quickstart-2 /);
  assert.match(r.screen, COLOURED_STATUS);
});

test('NO_COLOR turns colour off on a terminal; --wide shows every cell whole', async () => {
  const plain = await osmoOnPty(configDir, ['workflow', 'list'], { columns: 80, env: { NO_COLOR: '1' } });
  assert.equal(plain.code, 0, plain.screen);
  assert.ok(!plain.screen.includes(ESC), plain.screen);
  const wide = await osmoOnPty(configDir, ['workflow', 'list', '--wide'], { columns: 80 });
  assert.equal(wide.code, 0, wide.screen);
  assert.ok(
    lines(wide.screen).some((l) => l.includes(`${service.url}/workflows/quickstart-1`) && l.length > 80),
    wide.screen,
  );
});

test('piped output keeps the reference layout: no colour, no fitting, three-space gaps', async () => {
  const r = await osmo(configDir, ['workflow', 'list']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stdout.includes(ESC));
  const [header, rule, row] = r.stdout.split('\n');
  assert.match(
    header ?? '',
    /^User {3,}Workflow ID {3,}Submit Time {3,}Status {3,}Priority {3,}Labels {3,}Overview/,
  );
  assert.equal(rule, '='.repeat(header?.length ?? 0));
  assert.ok((row ?? '').includes(`${service.url}/workflows/quickstart-`));
  assert.ok((header ?? '').length > 80);
});

test('help fits a 60-column terminal', async () => {
  const r = await osmoOnPty(configDir, ['workflow', 'submit', '--help'], { columns: 60 });
  assert.equal(r.code, 0, r.screen);
  const body = lines(r.screen).filter((l) => !l.startsWith('Usage:'));
  for (const line of body) assert.ok(line.length <= 60, `${line.length}: ${line}`);
  assert.match(r.screen, /--format-type/);
});

test('mistyped commands and flags get a suggestion, still exit 2', async () => {
  const command = await osmo(configDir, ['workfow', 'list']);
  assert.equal(command.code, 2);
  assert.match(command.stderr, /invalid choice: 'workfow', maybe you meant 'workflow'\? \(choose from /);
  const sub = await osmo(configDir, ['workflow', 'lst']);
  assert.equal(sub.code, 2);
  assert.match(sub.stderr, /maybe you meant 'list'\?/);
  const flag = await osmo(configDir, ['workflow', 'list', '--formt', 'json']);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /unrecognized arguments: --formt, maybe you meant '--format-type'\?/);
});

/** What bash offers after the typed words, through the generated completion function. */
function bashCompletes(script: string, words: readonly string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const r = spawnSync(
    'bash',
    [
      '-c',
      `source "$1"; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _osmo; printf '%s\\n' "\${COMPREPLY[@]}"`,
      'bash',
      script,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l !== '');
}

test('osmo completion bash completes commands, flags and choices from the command tree', async () => {
  const r = await osmo(configDir, ['completion', 'bash']);
  assert.equal(r.code, 0, r.stderr);
  const script = join(await tempDir('completion'), 'osmo.bash');
  await writeFile(script, r.stdout);
  assert.deepEqual(bashCompletes(script, ['osmo', 'wor']), ['workflow']);
  assert.deepEqual(bashCompletes(script, ['osmo', 'workflow', 'li']), ['list']);
  assert.deepEqual(bashCompletes(script, ['osmo', 'workflow', 'list', '--format-type', '']), [
    'json',
    'text',
  ]);
  assert.ok(bashCompletes(script, ['osmo', 'pool', 'list', '--']).includes('--mode'));
  assert.deepEqual(bashCompletes(script, ['osmo', 'service', 'st']), ['start']);
  const bad = await osmo(configDir, ['completion', 'tcsh']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /argument shell: invalid choice: 'tcsh' \(choose from 'bash', 'zsh', 'fish'\)/);
});

const has = (shell: string): boolean => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;

test('osmo completion zsh is valid zsh', { skip: !has('zsh') && 'zsh is not installed' }, async () => {
  const r = await osmo(configDir, ['completion', 'zsh']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^#compdef osmo/);
  const script = join(await tempDir('completion'), '_osmo');
  await writeFile(script, r.stdout);
  const check = spawnSync('zsh', ['-n', script], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  // Loaded for real under compinit, the tables hold the tree.
  const probe = spawnSync(
    'zsh',
    [
      '-c',
      `autoload -U compinit && compinit -u -D; source "$1"; print -r -- "\${_osmo_subs[osmo workflow]}"`,
      'zsh',
      script,
    ],
    { encoding: 'utf8', env: { ...process.env, HOME: await tempDir('zsh-home') } },
  );
  assert.equal(probe.status, 0, probe.stderr);
  assert.match(probe.stdout, /^list:List workflows\.$/m);
});

test(
  'osmo completion fish completes in the real fish',
  { skip: !has('fish') && 'fish is not installed' },
  async () => {
    const r = await osmo(configDir, ['completion', 'fish']);
    assert.equal(r.code, 0, r.stderr);
    const script = join(await tempDir('completion'), 'osmo.fish');
    await writeFile(script, r.stdout);
    const run = (line: string): string[] => {
      const out = spawnSync('fish', ['--no-config', '-c', `source $argv[1]; complete -C '${line}'`, script], {
        encoding: 'utf8',
      });
      assert.equal(out.status, 0, out.stderr);
      return out.stdout.split('\n').map((l) => l.split('\t')[0] ?? '');
    };
    assert.ok(run('osmo workflow li').includes('list'));
    assert.ok(run('osmo workflow list --format-type ').includes('json'));
  },
);

test('data upload: the bar moves on the terminal, no frames in a redirected file, no SDK warnings', async () => {
  const s3: TestS3Server = await startTestS3Server(['bkt']);
  try {
    const dir = await tempDir('upload');
    await mkdir(join(dir, 'src'));
    for (let i = 0; i < 12; i += 1) await writeFile(join(dir, 'src', `f${i}`), Buffer.alloc(40_000, i));
    await writeFile(join(dir, 'src', 'big'), Buffer.alloc(24 * 1024 * 1024, 7));
    const cfg = await tempDir('cfg');
    await writeFile(
      join(cfg, 'config.yaml'),
      `auth:\n  data:\n    s3://bkt:\n      access_key_id: S3RVER\n      access_key: S3RVER\n` +
        `      override_url: ${s3.endpointUrl}\n      addressing_style: path\n`,
      { mode: 0o600 },
    );
    const onTty = await osmoOnPty(cfg, ['data', 'upload', 's3://bkt/a', join(dir, 'src')], { columns: 70 });
    assert.equal(onTty.code, 0, onTty.screen);
    assert.match(onTty.screen, /\rUploading 100% \|█+\| (13\/13 files, )?24\.5 MiB\/24\.5 MiB/);
    for (const frame of stripAnsi(onTty.screen).split(/[\r\n]/)) assert.ok(frame.length < 70, frame);
    assert.doesNotMatch(onTty.screen, /NodeVersionSupportWarning|MaxListenersExceededWarning|Warning:/);
    const log = join(dir, 'stderr.txt');
    const redirected = await osmoOnPty(cfg, [], {
      shell: `"$OSMO" data upload s3://bkt/b '${join(dir, 'src')}' 2>'${log}'`,
    });
    assert.equal(redirected.code, 0, redirected.screen);
    const text = await readFile(log, 'utf8');
    assert.equal(text, 'Data has been uploaded\n');
  } finally {
    await s3.close();
  }
});
