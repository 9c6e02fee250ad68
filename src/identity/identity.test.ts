// Table-driven checks of the pure identity rules: lockout schedule, pool access, envelope encryption, payload checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseCredential } from './credential-payload.js';
import { masterKeyFrom, newDataKey, newMasterKeyBase64, open, seal } from './envelope.js';
import { LoginThrottle, lockSeconds, USER_POLICY } from './login-throttle.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import { allowedPools, canUsePool, roleExists } from './roles.js';

const lockCases: ReadonlyArray<[number, number]> = [
  [4, 0],
  [5, 30],
  [6, 60],
  [7, 120],
  [20, 900],
];
for (const [failures, seconds] of lockCases) {
  test(`lockSeconds(${failures}) = ${seconds}`, () =>
    assert.equal(lockSeconds(USER_POLICY, failures), seconds));
}

test('the throttle locks a user after five failures and a source after twenty, and the lock expires', () => {
  let now = 0;
  const throttle = new LoginThrottle(() => new Date(now));
  for (let i = 0; i < 5; i += 1) throttle.recordFailure('ann', '10.0.0.1');
  assert.throws(() => throttle.check('ann', '10.0.0.2'), /Try again in 30 seconds/);
  throttle.check('ben', '10.0.0.1');
  now += 31_000;
  throttle.check('ann', '10.0.0.1');
  for (let i = 0; i < 20; i += 1) throttle.recordFailure(`user${i}`, '10.0.0.9');
  assert.throws(() => throttle.check('someone-new', '10.0.0.9'), /Too many failed login attempts/);
});

const poolCases: ReadonlyArray<[readonly string[], string, boolean]> = [
  [['osmo-admin'], 'anything', true],
  [['osmo-user'], 'default', true],
  [['osmo-user'], 'gpu-a', false],
  [['osmo-gpu'], 'gpu-a', true],
  [['osmo-default'], 'default', false],
  [[], 'default', false],
];
for (const [roles, pool, want] of poolCases) {
  test(`canUsePool(${roles.join(',') || 'none'}, ${pool}) = ${want}`, () =>
    assert.equal(canUsePool({ roles }, pool), want));
}

test('allowedPools filters, roleExists knows default and pool roles', () => {
  assert.deepEqual(allowedPools({ roles: ['osmo-user', 'osmo-gpu'] }, ['default', 'gpu-a', 'cpu']), [
    'default',
    'gpu-a',
  ]);
  assert.equal(roleExists('osmo-ctrl', []), true);
  assert.equal(roleExists('osmo-gpu', ['gpu-a']), true);
  assert.equal(roleExists('osmo-gpu', ['default']), false);
});

test('sealed values open only with the same key and binding', () => {
  const master = masterKeyFrom(newMasterKeyBase64());
  const key = newDataKey();
  const sealed = seal(key, master.kid, Buffer.from('s3cret'), 'cred:ann:k');
  assert.ok(!sealed.includes('s3cret'));
  assert.equal(open(key, master.kid, sealed, 'cred:ann:k').toString(), 's3cret');
  assert.throws(() => open(key, master.kid, sealed, 'cred:ben:k'), /could not be decrypted/);
  assert.throws(() => open(newDataKey(), master.kid, sealed, 'cred:ann:k'), /could not be decrypted/);
  assert.throws(() => masterKeyFrom('c2hvcnQ='), /must be 32 bytes/);
});

test('passwords hash with a salt and verify', async () => {
  const a = await hashPassword('pw-one-two');
  assert.notEqual(a, await hashPassword('pw-one-two'));
  assert.equal(await verifyPassword('pw-one-two', a), true);
  assert.equal(await verifyPassword('pw-one-twO', a), false);
});

test('credential payloads: DATA keys and endpoint, errors never echo values', () => {
  const data = normaliseCredential({
    data_credential: { access_key_id: 'id', access_key: 'k3y', endpoint: 's3://b/' },
  });
  assert.deepEqual(data, {
    type: 'DATA',
    profile: 's3://b',
    payload: { access_key_id: 'id', access_key: 'k3y' },
  });
  assert.throws(
    () =>
      normaliseCredential({
        data_credential: { access_key_id: 'id', access_key: 'k3y', endpoint: 'https://x' },
      }),
    /override_url/,
  );
  assert.throws(() => normaliseCredential({ registry_credential: { username: 'u' } }), /auth is required/);
});
