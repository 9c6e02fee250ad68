// Pool access by stored role documents next to the name rules of default and pool roles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RoleDocumentLike } from './roles.js';
import { allowedPools, canUsePool, roleExists } from './roles.js';

const POOLS = ['batch', 'batch-2', 'default', 'research'];
const docs: RoleDocumentLike[] = [
  {
    name: 'team-r',
    policies: [{ effect: 'Allow', actions: ['workflow:*'], resources: ['pool/research*'] }],
  },
  {
    name: 'osmo-batch',
    policies: [
      { effect: 'Allow', actions: ['workflow:*'], resources: ['pool/batch*'] },
      { effect: 'Deny', actions: ['workflow:Create'], resources: ['pool/batch-2'] },
    ],
  },
  {
    name: 'operator',
    policies: [{ effect: 'Allow', actions: ['pool:List'], resources: ['backend/local'] }],
  },
];

const cases: ReadonlyArray<[string[], string[]]> = [
  [['osmo-admin'], POOLS],
  [['osmo-user'], ['default']],
  [['team-r'], ['research']],
  // The stored document decides over the name rule: its Deny wins within the role.
  [['osmo-batch'], ['batch']],
  [['operator'], []],
  [['osmo-res'], ['research']],
  [
    ['team-r', 'osmo-user'],
    ['default', 'research'],
  ],
];
for (const [roles, want] of cases) {
  test(`allowedPools(${roles.join(', ')})`, () => {
    assert.deepEqual(allowedPools({ roles }, POOLS, docs), want);
  });
}

test('without documents, pool roles follow their names', () => {
  assert.equal(canUsePool({ roles: ['osmo-batch'] }, 'batch-2'), true);
  assert.equal(canUsePool({ roles: ['team-r'] }, 'research'), false);
});

test('stored roles exist besides default and pool roles', () => {
  assert.equal(roleExists('team-r', POOLS, docs), true);
  assert.equal(roleExists('team-r', POOLS), false);
  assert.equal(roleExists('osmo-research', POOLS), true);
  assert.equal(roleExists('osmo-nothing', POOLS), false);
});
