// The platform's permissions for privileged mode, host network and host mounts, case by case.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostMountsOf, platformPermissionViolation } from './platform-permissions.js';

const platform = {
  privileged_allowed: false,
  host_network_allowed: true,
  allowed_mounts: ['/data', '/both'],
  default_mounts: ['/tools', '/both'],
};
const task = (fields: Partial<{ privileged: boolean; hostNetwork: boolean; volumeMounts: string[] }>) => ({
  name: 't',
  privileged: false,
  hostNetwork: false,
  volumeMounts: [],
  ...fields,
});

const cases: ReadonlyArray<[string, ReturnType<typeof task>, string | null]> = [
  ['nothing asked', task({}), null],
  [
    'privileged',
    task({ privileged: true }),
    'Task with platform: p does not have privileged flag enabled. Task t',
  ],
  ['host network allowed', task({ hostNetwork: true }), null],
  ['allowed mount with a destination', task({ volumeMounts: ['/data:/in'] }), null],
  ['in both lists', task({ volumeMounts: ['/both'] }), null],
  [
    'default only',
    task({ volumeMounts: ['/tools:/t'] }),
    'Mount /tools is already provided by platform p and cannot be set in volumeMounts. Remove it from the task spec. Task t',
  ],
  [
    'not allowed',
    task({ volumeMounts: ['/etc'] }),
    'Task with platform: p does not allow mount: /etc. Task t',
  ],
];
for (const [name, request, want] of cases) {
  test(`platformPermissionViolation: ${name}`, () => {
    assert.equal(platformPermissionViolation(request, 'p', platform), want);
  });
}

test('hostMountsOf mounts a source once, the task destination winning over the default', () => {
  assert.deepEqual(hostMountsOf(['/both:/b', '/data'], ['/tools', '/both']), [
    { hostPath: '/tools', taskPath: '/tools' },
    { hostPath: '/both', taskPath: '/b' },
    { hostPath: '/data', taskPath: '/data' },
  ]);
});
