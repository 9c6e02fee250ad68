// Every conformance case of the pod-status table, translated from its snake_case pods into API objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { V1ContainerStatus, V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { podTaskStatus } from './pod-status.js';

interface CaseContainer {
  name: string;
  state: {
    running?: object;
    waiting?: { reason?: string; message?: string };
    terminated?: { reason?: string; exit_code: number; message?: string | null };
  };
}
interface CaseCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  last_transition_time: string;
}
interface Case {
  name: string;
  input: {
    phase: string;
    pod_name?: string;
    reason?: string | null;
    message?: string | null;
    conditions?: CaseCondition[];
    container_statuses?: CaseContainer[];
    init_container_statuses?: CaseContainer[];
  };
  expected: { status: string; exit_code: number | null; message_contains?: string[] };
}

// A verbatim copy of upstream's conformance vectors.
const CASES = fileURLToPath(
  new URL('../../../../test/fixtures/kubernetes/pod_status_cases.json', import.meta.url),
);
const NOW = new Date('2026-01-01T12:00:00Z');

/** `now`, `now-5m`: times relative to the evaluation time. */
function caseTime(text: string): Date {
  const m = /^now(?:-(\d+)m)?$/.exec(text);
  if (m === null) return new Date(text);
  return new Date(NOW.getTime() - Number(m[1] ?? 0) * 60_000);
}

const container = (c: CaseContainer): V1ContainerStatus => ({
  name: c.name,
  image: 'image',
  imageID: '',
  ready: false,
  restartCount: 0,
  state: {
    ...(c.state.running ? { running: {} } : {}),
    ...(c.state.waiting ? { waiting: { ...c.state.waiting } } : {}),
    ...(c.state.terminated
      ? {
          terminated: {
            exitCode: c.state.terminated.exit_code,
            ...(c.state.terminated.reason ? { reason: c.state.terminated.reason } : {}),
            ...(c.state.terminated.message ? { message: c.state.terminated.message } : {}),
          },
        }
      : {}),
  },
});

const condition = (c: CaseCondition): V1PodCondition => ({
  type: c.type,
  status: c.status,
  lastTransitionTime: caseTime(c.last_transition_time),
  ...(c.reason ? { reason: c.reason } : {}),
  ...(c.message ? { message: c.message } : {}),
});

function podOf(input: Case['input']): V1Pod {
  return {
    metadata: { name: input.pod_name ?? 'pod' },
    status: {
      phase: input.phase,
      ...(input.reason ? { reason: input.reason } : {}),
      ...(input.message ? { message: input.message } : {}),
      ...(input.conditions ? { conditions: input.conditions.map(condition) } : {}),
      ...(input.container_statuses ? { containerStatuses: input.container_statuses.map(container) } : {}),
      ...(input.init_container_statuses
        ? { initContainerStatuses: input.init_container_statuses.map(container) }
        : {}),
    },
  };
}

const table = JSON.parse(readFileSync(CASES, 'utf8')) as {
  test_cases: Case[];
};

test('the conformance table has all 35 cases', () => assert.equal(table.test_cases.length, 35));

for (const c of table.test_cases) {
  test(`pod status: ${c.name}`, () => {
    const got = podTaskStatus(podOf(c.input), NOW);
    assert.equal(got.status, c.expected.status);
    assert.equal(got.exitCode, c.expected.exit_code);
    for (const fragment of c.expected.message_contains ?? []) {
      assert.ok(
        got.message?.toLowerCase().includes(fragment.toLowerCase()),
        `${got.message} has ${fragment}`,
      );
    }
  });
}
