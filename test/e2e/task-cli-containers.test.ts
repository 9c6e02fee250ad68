// End to end on Podman: a container task (busybox, no C library) runs `osmo` as its workflow's user
// over the service's socket, with a credential of its own that can do less and dies with the attempt.
import { after, before, describe, test } from 'node:test';
import {
  podmanMissingReason,
  startTestEngine,
  TEST_IMAGE,
  type TestEngine,
} from '../../src/backends/docker/podman-fixture.js';
import type { ServiceProcess } from './harness.js';
import { loginAs, removeDir, startServiceProcess, tempDir } from './harness.js';
import { runTaskCliScenario } from './task-cli-scenario.js';

const podmanMissing = podmanMissingReason('the container backend needs');

let engine: TestEngine;
let service: ServiceProcess;
let alice: string;
let bob: string;
let specs: string;

describe('osmo inside container tasks', { skip: podmanMissing }, () => {
  before(async () => {
    engine = await startTestEngine();
    service = await startServiceProcess({ args: ['--backend', 'docker', '--docker-host', engine.host] });
    alice = await loginAs(service.url, 'alice');
    bob = await loginAs(service.url, 'bob');
    specs = await tempDir('task-cli-container-specs');
  });
  after(async () => {
    await service?.stop();
    await engine?.stop();
    if (service) await removeDir(service.dataDir);
  });

  test('a busybox task runs osmo as its user; its credential can do less and ends with it', async () => {
    await runTaskCliScenario({ url: service.url, alice, bob, specs, image: TEST_IMAGE });
  });
});
