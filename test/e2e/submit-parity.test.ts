// Submit-time checks as upstream makes them: byte counts, measured storage, platforms, through the real CLI.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ServiceProcess } from './harness.js';
import { loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

let service: ServiceProcess;
let user: string;
let specs: string;

const CONFIG = {
  backends: [{ name: 'local' }],
  pools: {
    default: {
      backend: 'local',
      default_platform: 'cpu',
      platforms: { cpu: { allowed_mounts: ['/srv/shared'], default_mounts: ['/opt/tools'] } },
    },
  },
};

before(async () => {
  specs = await tempDir('parity');
  const configFile = join(specs, 'osmo.json');
  await writeFile(configFile, JSON.stringify(CONFIG));
  service = await startServiceProcess({ args: ['--config', configFile] });
  user = await loginAs(service.url, 'quinn');
});

after(async () => {
  await service.stop();
  for (const dir of [service.dataDir, user, specs]) await removeDir(dir);
});

async function dryRun(name: string, resources: string, taskFields = '') {
  const file = join(specs, `${name}.yaml`);
  await writeFile(
    file,
    `workflow:\n  name: ${name}\n  resources:\n    default:\n${resources}` +
      `  tasks:\n    - name: a\n      image: ubuntu\n      command: ["true"]\n${taskFields}`,
  );
  return osmo(user, ['workflow', 'submit', file, '--dry-run']);
}

test('a plain byte count of memory is bytes, as upstream reads it', async () => {
  const gib = await dryRun('bytes-ok', '      memory: 1073741824\n');
  assert.equal(gib.code, 0, gib.stdout + gib.stderr);
  // 2^60 bytes (1 EiB) is more memory than this host has, whatever the host.
  const eib = await dryRun('bytes-big', `      memory: ${2 ** 60}\n`);
  assert.equal(eib.code, 1, eib.stdout + eib.stderr);
  assert.match(eib.stdout, /Value 1125899906842624\.0Ki too high for memory/);
});

test('storage is measured on the data directory, so a request larger than its disk is refused', async () => {
  const small = await dryRun('disk-ok', '      storage: 1048576\n');
  assert.equal(small.code, 0, small.stdout + small.stderr);
  const huge = await dryRun('disk-big', '      storage: 1024Ti\n');
  assert.equal(huge.code, 1, huge.stdout + huge.stderr);
  assert.match(huge.stdout, /Value 1024Ti too high for storage/);
  assert.match(huge.stdout, /node +pool\/platform +storage/);
});

test('an unknown platform is a submission error (exit 1)', async () => {
  const r = await dryRun('no-platform', '      platform: nope\n');
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /Platform nope does not exist in pool default!/);
});

test("volumeMounts are held to the platform's allowed_mounts, with upstream's messages", async () => {
  const cases: [string, RegExp][] = [
    ['/etc', /Task with platform: cpu does not allow mount: \/etc\. Task a/],
    [
      '/opt/tools:/tools',
      /Mount \/opt\/tools is already provided by platform cpu and cannot be set in volumeMounts/,
    ],
    // Allowed by the platform, but this service runs tasks as processes, which cannot mount.
    ['/srv/shared:/data', /Task a sets volumeMounts, but the process backend cannot mount host paths/],
  ];
  for (const [i, [mount, message]] of cases.entries()) {
    const r = await dryRun(`mount-${i}`, '      cpu: 1\n', `      volumeMounts: ["${mount}"]\n`);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, message);
  }
  const privileged = await dryRun('privileged', '      cpu: 1\n', '      privileged: true\n');
  assert.equal(privileged.code, 1, privileged.stdout + privileged.stderr);
  assert.match(privileged.stdout, /Task with platform: cpu does not have privileged flag enabled\. Task a/);
  const network = await dryRun('host-network', '      cpu: 1\n', '      hostNetwork: true\n');
  assert.match(network.stdout, /Task with platform: cpu does not have hostNetwork flag enabled\. Task a/);
});
