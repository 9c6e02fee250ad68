// The `osmo workflow exec` cases every backend passes, through the real `osmo` executable on a
// pseudo-terminal: a shell in the task's own view, resizes, Ctrl-C, exit status, group prefixes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { eventually, osmo, tempDir } from './harness.js';
import { osmoInteractive } from './pty.js';

export interface ExecBackend {
  readonly url: string;
  /** A logged-in config directory of the workflows' owner. */
  readonly owner: string;
  /** The image the task runs in. */
  readonly image: string;
  /** How `stty` is named in that image. */
  readonly stty: string;
}

export interface ExecWorkflows {
  /** A running task `shell` with MY_VAR set and a marker file in its workspace. */
  readonly single: string;
  /** A running group `pair` of tasks `shell` and `right`, each with SIDE set to its name. */
  readonly pair: string;
}

async function submit(backend: ExecBackend, name: string, yaml: string): Promise<string> {
  const dir = await tempDir('exec-specs');
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, yaml);
  const r = await osmo(backend.owner, ['workflow', 'submit', file]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const id = /Workflow ID\s+-\s+(\S+)/.exec(r.stdout)?.[1];
  assert.ok(id, r.stdout);
  return id;
}

interface QueryJson {
  status: string;
  groups: { name: string; tasks: { name: string; status: string; failure_message?: string | null }[] }[];
}

export async function query(configDir: string, id: string): Promise<QueryJson> {
  const r = await osmo(configDir, ['workflow', 'query', id, '--format-type', 'json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return JSON.parse(r.stdout) as QueryJson;
}

/** Waits until every task of the workflow runs; a task that ended instead fails the wait at once. */
export const allRunning = (configDir: string, id: string, timeoutMs = 120_000): Promise<QueryJson> =>
  eventually(async () => {
    const q = await query(configDir, id);
    const tasks = q.groups.flatMap((g) => g.tasks);
    const ended = tasks.find((t) => t.status === 'COMPLETED' || t.status.startsWith('FAILED'));
    if (ended !== undefined) throw new Error(`task ${ended.name} of ${id} ended: ${JSON.stringify(ended)}`);
    return tasks.length > 0 && tasks.every((t) => t.status === 'RUNNING') ? q : null;
  }, timeoutMs);

const sleeper = (
  image: string,
  name: string,
  env: Record<string, string>,
  before = '',
  lead = false,
): string =>
  `  - name: ${name}
    image: ${image}${lead ? '\n    lead: true' : ''}
    command: [sh, -c, "${before}sleep 600"]
    environment:
${Object.entries(env)
  .map(([k, v]) => `      ${k}: ${v}`)
  .join('\n')}
`;

export async function startExecWorkflows(backend: ExecBackend): Promise<ExecWorkflows> {
  // A name of its own per run: a container left by an earlier run on a shared engine keeps its name.
  // One workflow of two tasks: both fit on a two-CPU test machine, three would wait.
  const run = randomBytes(3).toString('hex');
  const indent = (text: string): string =>
    text
      .split('\n')
      .map((l) => (l === '' ? l : `  ${l}`))
      .join('\n');
  const id = await submit(
    backend,
    'exec',
    `workflow:
  name: exec-${run}
  groups:
  - name: pair
    tasks:
${indent(sleeper(backend.image, 'shell', { MY_VAR: 'my-value', SIDE: 'shell' }, 'echo hello-marker > /osmo/run/workspace/marker; ', true))}
${indent(sleeper(backend.image, 'right', { SIDE: 'right' }))}`,
  );
  await allRunning(backend.owner, id);
  // RUNNING covers the download of inputs; the task can be entered once its command started. A probe
  // that an engine under load answers slowly is asked again rather than failing the whole suite.
  await eventually(async () => {
    const r = await osmo(
      backend.owner,
      [
        'workflow',
        'exec',
        id,
        '--group',
        'pair',
        '--entry',
        'sh -c "[ $SIDE = right ] || cat /osmo/run/workspace/marker"',
      ],
      30_000,
    ).catch(() => null);
    return r?.code === 0 ? true : null;
  }, 180_000);
  return { single: id, pair: id };
}

/** Cancels the workflows and waits for their tasks to end, so that no container outlives the test. */
export async function stopExecWorkflows(
  configDir: string,
  workflows: ExecWorkflows | undefined,
): Promise<void> {
  for (const id of new Set([workflows?.single, workflows?.pair])) {
    if (id === undefined) continue;
    await osmo(configDir, ['workflow', 'cancel', id]);
    await eventually(
      async () => (/^(COMPLETED|FAILED)/.test((await query(configDir, id)).status) ? true : null),
      120_000,
    );
  }
}

export function execCases(backend: () => ExecBackend, workflows: () => ExecWorkflows): void {
  test('an interactive shell runs commands in the task: its files, environment, size, resizes and exit status', async () => {
    const { owner, stty } = backend();
    const id = workflows().single;
    const term = osmoInteractive(owner, ['workflow', 'exec', id, 'shell', '--entry', '/bin/sh'], {
      columns: 80,
      rows: 24,
    });
    try {
      // The typed line echoes with `$MY_VAR` unexpanded; only the shell's answer has the values.
      term.type('echo "m1:$MY_VAR:$(cat /osmo/run/workspace/marker):$TERM"\r');
      await term.waitFor(/m1:my-value:hello-marker:xterm/);
      term.type(`echo "sz1:$(${stty} size)"\r`);
      await term.waitFor(/sz1:24 80/);
      // The window change reaches the CLI as a signal, which may be handled after keys typed
      // just behind it: ask until the task's terminal has the new size.
      term.resize(100, 30);
      let size = '';
      for (let i = 0; i < 50 && size !== '30 100'; i++) {
        const mark = term.screen().length;
        term.type(`echo "sz2-${i}:$(${stty} size)"\r`);
        const pattern = new RegExp(`sz2-${i}:(\\d+ \\d+)`);
        size = pattern.exec((await term.waitFor(pattern, mark)).slice(mark))?.[1] ?? '';
      }
      assert.equal(size, '30 100');
      term.type('exit 7\r');
      assert.equal(await term.exited, 7, term.screen());
    } finally {
      term.kill();
    }
    // An exec session never changes the task's status.
    const q = await query(owner, id);
    assert.equal(q.status, 'RUNNING');
    assert.deepEqual(
      q.groups.flatMap((g) => g.tasks.map((t) => t.status)),
      ['RUNNING', 'RUNNING'],
    );
  });

  test('Ctrl-C goes to the command in the task, not to the local osmo', async () => {
    const { owner } = backend();
    const term = osmoInteractive(owner, [
      'workflow',
      'exec',
      workflows().single,
      'shell',
      '--entry',
      `sh -c 'echo ready; sleep 60; echo not-interrupted'`,
    ]);
    try {
      await term.waitFor(/ready/);
      const started = Date.now();
      // On a loaded machine the first key can come while the terminals on either side are still being
      // set up, and be lost there: press again, as a person would.
      let exited = false;
      const code = term.exited.finally(() => (exited = true));
      for (let i = 0; i < 10 && !exited; i++) {
        term.type('\u0003');
        await Promise.race([code, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      }
      await code;
      assert.notEqual(await code, 0, term.screen());
      assert.doesNotMatch(term.screen(), /not-interrupted/);
      assert.ok(Date.now() - started < 50_000, 'the command ran to its end');
    } finally {
      term.kill();
    }
  });

  test('group exec runs the command in every running task, each line prefixed, and exits with its status', async () => {
    const { owner } = backend();
    const id = workflows().pair;
    const ok = await osmo(owner, [
      'workflow',
      'exec',
      id,
      '--group',
      'pair',
      '--entry',
      'sh -c "echo side-$SIDE; echo second line"',
    ]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const lines = ok.stdout.split('\n').filter((l) => l !== '');
    assert.deepEqual(lines.filter((l) => l.startsWith('[shell] ')).sort(), [
      '[shell] second line',
      '[shell] side-shell',
    ]);
    assert.deepEqual(lines.filter((l) => l.startsWith('[right] ')).sort(), [
      '[right] second line',
      '[right] side-right',
    ]);
    assert.equal(lines.length, 4, ok.stdout);
    const failing = await osmo(owner, [
      'workflow',
      'exec',
      id,
      '--group',
      'pair',
      '--entry',
      'sh -c "exit 4"',
    ]);
    assert.equal(failing.code, 4, failing.stdout + failing.stderr);
  });
}
