// The role documents `osmo config set ROLE` generates and its refusals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generatedRole } from './set.js';

test('a pool role grants workflow:* on the pool prefix', () => {
  assert.deepEqual(generatedRole({ name: 'osmo-batch', type: 'POOL' }), {
    name: 'osmo-batch',
    description: 'Generated Role for pool batch',
    policies: [{ effect: 'Allow', actions: ['workflow:*'], resources: ['pool/batch*'] }],
    immutable: false,
    sync_mode: 'import',
  });
});

test('a backend role grants the operator actions, sorted, on the backend', () => {
  assert.deepEqual(generatedRole({ name: 'ops', type: 'backend', field: 'local' }), {
    name: 'ops',
    description: 'Generated Role for backend local',
    policies: [
      {
        effect: 'Allow',
        actions: ['config:Read', 'internal:Operator', 'pool:List'],
        resources: ['backend/local'],
      },
    ],
    immutable: false,
    sync_mode: 'import',
  });
});

test('refusals carry upstream messages', () => {
  assert.throws(() => generatedRole({ name: 'batch', type: 'pool' }), /must start with "osmo-"/);
  assert.throws(
    () => generatedRole({ name: 'osmo-b', type: 'pool', field: 'x' }),
    /Pool name must be specified in the role name/,
  );
  assert.throws(() => generatedRole({ name: 'ops', type: 'backend' }), /Backend name is required/);
});
