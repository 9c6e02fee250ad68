// What every backend's tasks must be able to do with `osmo`, and must not: shared by the process and
// container end-to-end tests.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { apiCall, eventually, osmo } from './harness.js';

export interface TaskCliSetting {
  readonly url: string;
  /** The login directories of the task's user and of another user. */
  readonly alice: string;
  readonly bob: string;
  readonly specs: string;
  /** The image the task runs in (ignored by the process backend). */
  readonly image: string;
}

const inDays = (days: number): string => new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);

async function submit(setting: TaskCliSetting, who: string, name: string, yaml: string): Promise<string> {
  const file = join(setting.specs, `${name}.yaml`);
  await writeFile(file, yaml);
  const r = await osmo(who, ['workflow', 'submit', file]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const id = /Workflow ID\s+-\s+(\S+)/.exec(r.stdout)?.[1];
  assert.ok(id, r.stdout);
  return id;
}

async function ended(who: string, id: string): Promise<string> {
  return eventually(async () => {
    const q = await osmo(who, ['workflow', 'query', id, '--format-type', 'json']);
    if (q.code !== 0) return null;
    const status = (JSON.parse(q.stdout) as { status: string }).status;
    return status === 'COMPLETED' || status.startsWith('FAILED') ? status : null;
  }, 120_000);
}

// Prints a value of login.yaml in two halves: the log masks the whole value, and the test needs it back.
const PRINT_SECRET = (key: string): string =>
  `v=$(while IFS= read -r l; do case "$l" in *'"${key}"'*) v=\${l#*: \\"}; echo "\${v%\\"*}";; esac; done < "$OSMO_CONFIG_FILE_DIR/login.yaml"); ` +
  `echo "${key}-a=\${v%?????????????????????}"; echo "${key}-b=\${v#\${v%?????????????????????}}"`;

const pick = (logs: string, key: string): string => {
  const a = new RegExp(`${key}-a=(\\S+)`).exec(logs)?.[1];
  const b = new RegExp(`${key}-b=(\\S+)`).exec(logs)?.[1];
  assert.ok(a !== undefined && b !== undefined, `no ${key} in the task's log:\n${logs}`);
  return a + b;
};

/**
 * A task of alice's runs `osmo version`, `profile list`, `workflow list`, tries bob's workflow, a token
 * and the credentials, and prints its credential; after it ended, that credential is refused.
 */
export async function runTaskCliScenario(setting: TaskCliSetting): Promise<void> {
  const bobs = await submit(
    setting,
    setting.bob,
    'bobs',
    `workflow:\n  name: bobs\n  tasks:\n  - name: quick\n    image: ${setting.image}\n    command: ['true']\n`,
  );
  const script = [
    PRINT_SECRET('refresh_token'),
    PRINT_SECRET('id_token'),
    'echo "node=$OSMO_NODE_NAME service=$OSMO_SERVICE_URL"',
    'echo "path=$PATH"',
    'osmo version',
    'osmo profile list',
    'osmo workflow list',
    `osmo workflow query ${bobs}; echo "bob-query-exit=$?"`,
    `osmo workflow cancel ${bobs}; echo "bob-cancel-exit=$?"`,
    `osmo token set from-task --expires-at ${inDays(3)}; echo "token-set-exit=$?"`,
    `osmo credential list; echo "credential-list-exit=$?"`,
  ].join('\n');
  const id = await submit(
    setting,
    setting.alice,
    'cli',
    `workflow:
  name: in-task-cli
  tasks:
  - name: ask
    image: ${setting.image}
    command: ['sh', '-c']
    args:
    - |
${script
  .split('\n')
  .map((line) => `      ${line}`)
  .join('\n')}
`,
  );
  const status = await ended(setting.alice, id);
  // A follower may learn the log ended only on its next check: a generous wait, not a sleep.
  const logs = (await osmo(setting.alice, ['workflow', 'logs', id], 150_000)).stdout;
  assert.equal(status, 'COMPLETED', logs);
  // The CLI is on PATH, appended as upstream appends it, and knows where it runs.
  assert.match(logs, /path=\S*:\/osmo\/usr\/bin$/m, logs);
  assert.match(logs, /node=\S+ service=http:\/\/\S+/, logs);
  assert.match(logs, /client version:\s+6\.\d+\.\d+/i, logs);
  // The task speaks for its workflow's user: its profile and its workflows are alice's.
  assert.match(logs, /email: alice/, logs);
  assert.match(logs, new RegExp(`alice\\s+${id}\\s+`), logs);
  // Bob's workflow is as unknown to alice's task as to alice; a token or credentials it may not touch.
  assert.match(logs, /bob-query-exit=2/, logs);
  assert.match(logs, /bob-cancel-exit=0/, logs);
  assert.match(logs, new RegExp(`${bobs}[^\\n]*(not found|is not found)`, 'i'), logs);
  assert.match(logs, /token-set-exit=2/, logs);
  assert.match(logs, /credential-list-exit=2/, logs);
  assert.match(logs, /cannot manage credentials or access tokens/, logs);
  const tokens = await osmo(setting.alice, ['token', 'list', '-t', 'json']);
  assert.doesNotMatch(tokens.stdout, /from-task/);

  // The attempt ended: its refresh secret and its access token are refused.
  const refresh = pick(logs, 'refresh_token');
  const access = pick(logs, 'id_token');
  assert.match(refresh, /^[A-Za-z0-9_-]{43}$/);
  const exchanged = await apiCall(setting.url, 'POST', '/api/auth/jwt/access_token', null, {
    token: refresh,
  });
  assert.ok(exchanged.status >= 400 && exchanged.status < 500, exchanged.text);
  const listed = await apiCall(setting.url, 'GET', '/api/workflow', access);
  assert.equal(listed.status, 401, listed.text);
  // What bob's workflow did is bob's: alice's task could not cancel it.
  assert.equal(await ended(setting.bob, bobs), 'COMPLETED');
}
