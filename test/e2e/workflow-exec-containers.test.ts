// End to end: `osmo workflow exec` on the container backend (Podman's Docker-compatible API): the
// engine's exec with a TTY inside the task's own container.
import { after, before, describe } from 'node:test';
import {
  podmanMissingReason,
  startTestEngine,
  TEST_IMAGE,
  type TestEngine,
} from '../../src/backends/docker/podman-fixture.js';
import type { ServiceProcess } from './harness.js';
import { loginAs, startServiceProcess } from './harness.js';
import {
  execCases,
  startExecWorkflows,
  stopExecWorkflows,
  type ExecBackend,
  type ExecWorkflows,
} from './exec-suite.js';

const podmanMissing = podmanMissingReason('exec on the container backend needs');

let engine: TestEngine;
let service: ServiceProcess;
let alice: string;
let workflows: ExecWorkflows;

// The test image is busybox with a few applets linked; stty is reached through busybox itself.
const backend = (): ExecBackend => ({
  url: service.url,
  owner: alice,
  image: TEST_IMAGE,
  stty: 'busybox stty',
});

describe('exec on the container backend', { skip: podmanMissing }, () => {
  before(async () => {
    engine = await startTestEngine();
    service = await startServiceProcess({ args: ['--backend', 'docker', '--docker-host', engine.host] });
    alice = await loginAs(service.url, 'alice');
    workflows = await startExecWorkflows(backend());
  });

  after(async () => {
    if (alice !== undefined) await stopExecWorkflows(alice, workflows);
    await service?.stop();
    await engine?.stop();
  });

  execCases(backend, () => workflows);
});
