// End to end: `osmo data` inside a task uploads, lists and downloads with the workflow user's DATA
// credential, which the log masks and the attempt does not leave behind; on the process backend
// (sandboxed) and in containers.
import { networkInterfaces } from 'node:os';
import { after, before, describe, test } from 'node:test';
import {
  podmanMissingReason,
  startTestEngine,
  TEST_IMAGE,
  type TestEngine,
} from '../../src/backends/docker/podman-fixture.js';
import {
  allowTestS3Key,
  startTestS3Server,
  type TestS3Server,
} from '../../src/storage/testing/s3-test-server.js';
import type { ServiceProcess } from './harness.js';
import { loginAs, removeDir, startServiceProcess, tempDir } from './harness.js';
import { runTaskDataScenario, USER_KEY } from './task-data-scenario.js';

allowTestS3Key(USER_KEY.id, USER_KEY.secret);

describe('osmo data inside process tasks', () => {
  let s3: TestS3Server;
  let service: ServiceProcess;
  before(async () => {
    s3 = await startTestS3Server(['alice-bucket']);
    service = await startServiceProcess();
  });
  after(async () => {
    await service?.stop();
    await s3?.close();
  });

  test("a sandboxed task moves data with its user's DATA credential, masked and not kept", async () => {
    await runTaskDataScenario({
      s3,
      bucket: 'alice-bucket',
      // Process tasks share the host's network: the server's loopback address reaches it.
      taskEndpoint: s3.endpointUrl,
      user: await loginAs(service.url, 'alice'),
      specs: await tempDir('task-data-specs'),
      image: 'ubuntu:24.04',
      dataDir: service.dataDir,
    });
  });
});

/** An address of this host that a container's network reaches it at (not loopback). */
const hostAddress = (): string | null =>
  Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address ?? null;

const containersMissing =
  podmanMissingReason('the container backend needs') ||
  (hostAddress() === null ? 'this host has no address containers reach it at' : false);

describe('osmo data inside container tasks', { skip: containersMissing }, () => {
  let engine: TestEngine;
  let s3: TestS3Server;
  let service: ServiceProcess;
  before(async () => {
    engine = await startTestEngine();
    // Containers reach the host's own address, not its loopback.
    s3 = await startTestS3Server(['alice-bucket'], hostAddress() ?? '');
    service = await startServiceProcess({ args: ['--backend', 'docker', '--docker-host', engine.host] });
  });
  after(async () => {
    await service?.stop();
    await engine?.stop();
    await s3?.close();
    if (service) await removeDir(service.dataDir);
  });

  test("a busybox task moves data with its user's DATA credential, masked and not kept", async () => {
    await runTaskDataScenario({
      s3,
      bucket: 'alice-bucket',
      taskEndpoint: s3.endpointUrl,
      user: await loginAs(service.url, 'alice'),
      specs: await tempDir('task-data-container-specs'),
      image: TEST_IMAGE,
      dataDir: service.dataDir,
    });
  });
});
