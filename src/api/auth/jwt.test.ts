// The verified-token cache answers as a fresh verification would: expiry and tampering still count.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cachedTokenVerifier, generateSigningKey, signAccessToken, verifyAccessToken } from './jwt.js';

const key = generateSigningKey();
const NOW = 1_750_000_000;
const subject = { user: 'alice', roles: ['osmo-user'], session: 's1' };

test('a remembered token still expires at its exp', () => {
  const verify = cachedTokenVerifier(key);
  const token = signAccessToken(key, subject, NOW, 60);
  assert.deepEqual(verify(token, NOW), verifyAccessToken(key, token, NOW));
  assert.equal(verify(token, NOW + 59).ok, true);
  assert.deepEqual(verify(token, NOW + 60), { ok: false, reason: 'expired' });
  assert.deepEqual(verify(token, NOW + 61), { ok: false, reason: 'expired' });
});

test('a token altered after its genuine text was remembered is refused', () => {
  const verify = cachedTokenVerifier(key);
  const token = signAccessToken(key, subject, NOW, 60);
  assert.equal(verify(token, NOW).ok, true);
  const [header, body, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...claims, unique_name: 'mallory' })).toString('base64url');
  assert.deepEqual(verify(`${header}.${forged}.${signature}`, NOW), { ok: false, reason: 'signature' });
  const otherKey = cachedTokenVerifier(generateSigningKey());
  assert.deepEqual(otherKey(token, NOW), { ok: false, reason: 'signature' });
});

test('past its size the verifier forgets the least recently used token and verifies it again', () => {
  const verify = cachedTokenVerifier(key, 2);
  const tokens = ['a', 'b', 'c'].map((session) => signAccessToken(key, { ...subject, session }, NOW, 60));
  for (const t of tokens) assert.equal(verify(t, NOW).ok, true);
  // Forgotten or not, every token verifies the same; a refused one is never remembered.
  for (const t of tokens) assert.equal(verify(t, NOW + 1).ok, true);
  assert.deepEqual(verify('x.y.z', NOW), { ok: false, reason: 'malformed' });
  assert.deepEqual(verify('x.y.z', NOW), { ok: false, reason: 'malformed' });
});
