// End to end on the process backend: a task runs `osmo` as its workflow's user, with a credential of
// its own that can do less than the user and dies with the attempt.
import { after, before, test } from 'node:test';
import type { ServiceProcess } from './harness.js';
import { loginAs, startServiceProcess, tempDir } from './harness.js';
import { runTaskCliScenario } from './task-cli-scenario.js';

let service: ServiceProcess;
let alice: string;
let bob: string;
let specs: string;

before(async () => {
  service = await startServiceProcess();
  alice = await loginAs(service.url, 'alice');
  bob = await loginAs(service.url, 'bob');
  specs = await tempDir('task-cli-specs');
});
after(async () => {
  await service.stop();
});

test('a process task runs osmo as its user; its credential can do less and ends with it', async () => {
  await runTaskCliScenario({ url: service.url, alice, bob, specs, image: 'ubuntu:24.04' });
});
