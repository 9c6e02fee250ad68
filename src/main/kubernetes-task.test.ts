// The Kubernetes pod's runtime entry, run for real as the task container runs it (outside a pod, with a
// temp directory standing for `/osmo`): its stdout is the protocol the backend reads from the log API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeAttempt } from '../backends/contract.js';
import { parsePodLogLine, type PodLogLine } from '../backends/kubernetes/pod-log-lines.js';
import { podLaunchFile } from '../backends/kubernetes/attempt-objects.js';
import type { AttemptLaunch } from '../core/index.js';

const ENTRY = fileURLToPath(new URL('./kubernetes-task.js', import.meta.url));

async function runEntry(launch: AttemptLaunch, root: string) {
  const attemptDir = join(root, 'attempt');
  const osmo = join(root, 'osmo');
  await mkdir(attemptDir, { recursive: true });
  await mkdir(osmo, { recursive: true });
  const launchPath = join(root, 'launch.json');
  await writeFile(launchPath, JSON.stringify(podLaunchFile(launch)));
  const child = spawn(process.execPath, [ENTRY, attemptDir, launchPath, osmo], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', OSMO_SECRET_SETTING: 'not for the task' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const lines = out.split('\n').filter((l) => l !== '');
  const parsed = lines.map(parsePodLogLine);
  assert.ok(
    parsed.every((p) => p !== null),
    'every stdout line is one of the protocol',
  );
  return { code, lines: parsed as PodLogLine[], osmo };
}

const reports = (lines: readonly PodLogLine[]) => lines.flatMap((l) => (l.osmo === 'report' ? [l] : []));
const logTexts = (lines: readonly PodLogLine[], ioType: string) =>
  lines.flatMap((l) => (l.osmo === 'log' && l.ioType === ioType ? [l.text] : []));

test('the pod entry runs the command, masks secrets, stores the output and reports on stdout', async () => {
  const root = await mkdtemp(join(tmpdir(), 'osmo-k8s-entry-'));
  try {
    const storage = join(root, 'storage');
    const launch = makeAttempt(storage, {
      command: [
        'sh',
        '-c',
        'echo "token=$TOKEN"; echo "[$OSMO_SECRET_SETTING]"; echo kept > "$1/out.txt"; exit 3',
        'sh',
      ],
      args: [join(root, 'osmo', 'data', 'output')],
      environment: { TOKEN: 'hunter2-very-secret' },
      secrets: ['hunter2-very-secret'],
    });
    const { code, lines } = await runEntry(launch, root);
    assert.equal(code, 3);
    assert.deepEqual(
      reports(lines).map((r) => [r.status, r.exitCode]),
      [
        ['INITIALIZING', null],
        ['RUNNING', null],
        ['FAILED', 3],
      ],
    );
    // The runtime's own settings never reach the command.
    assert.deepEqual(logTexts(lines, 'STDOUT'), ['token=[MASKED]', '[]']);
    const seqs = lines.flatMap((l) => (l.osmo === 'log' ? [l.seq] : []));
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i),
    );
    assert.equal(await readFile(join(storage, launch.outputPrefix, 'out.txt'), 'utf8'), 'kept\n');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a command that does not exist ends FAILED_START_ERROR, the container exiting non-zero', async () => {
  const root = await mkdtemp(join(tmpdir(), 'osmo-k8s-entry-'));
  try {
    const launch = makeAttempt(join(root, 'storage'), { command: ['/nonexistent/osmo-command'] });
    const { code, lines } = await runEntry(launch, root);
    assert.equal(code, 1);
    const final = reports(lines).at(-1);
    assert.equal(final?.status, 'FAILED_START_ERROR');
    assert.equal(final?.exitCode, 3003);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('--install copies Node.js and the runtime into the pod volume, where they run', async () => {
  const root = await mkdtemp(join(tmpdir(), 'osmo-k8s-install-'));
  try {
    const install = join(root, 'app');
    await mkdir(join(install, 'dist'), { recursive: true });
    await mkdir(join(install, 'node_modules', 'dep'), { recursive: true });
    await writeFile(join(install, 'package.json'), '{"type":"module"}');
    await writeFile(join(install, 'node_modules', 'dep', 'index.js'), 'export const said = "from dep";');
    await writeFile(
      join(install, 'dist', 'main.js'),
      'import { said } from "../node_modules/dep/index.js"; console.log(said);',
    );
    const dest = join(root, 'osmo-bin');
    await mkdir(dest);
    const copy = spawn(process.execPath, [ENTRY, '--install', dest, install], { stdio: 'inherit' });
    assert.equal(await new Promise((resolve) => copy.on('close', resolve)), 0);
    const run = spawn(join(dest, 'node'), [join(dest, 'osmo', 'dist', 'main.js')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    run.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    assert.equal(await new Promise((resolve) => run.on('close', resolve)), 0);
    assert.equal(out, 'from dep\n');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a launch the runtime cannot read still ends with a report saying why', async () => {
  const root = await mkdtemp(join(tmpdir(), 'osmo-k8s-entry-'));
  try {
    const child = spawn(process.execPath, [ENTRY, root, join(root, 'missing.json'), root], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    assert.equal(await new Promise((resolve) => child.on('close', resolve)), 1);
    const report = parsePodLogLine(out.trim());
    assert.equal(report?.osmo, 'report');
    assert.equal(report?.osmo === 'report' ? report.status : null, 'FAILED_BACKEND_ERROR');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
