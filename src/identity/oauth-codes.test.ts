// The OAuth authorization-code rules: which redirect URIs register and match, and how a code is redeemed once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthorizationCodes, s256Challenge } from './authorization-codes.js';
import { redirectUriMatches, redirectUriRefusal } from './redirect-uris.js';

const registrations: ReadonlyArray<[string, boolean]> = [
  ['http://127.0.0.1:33418/callback', true],
  ['http://localhost/cb', true],
  ['http://[::1]:8080/cb', true],
  ['https://agent.example.com/oauth/callback', true],
  ['http://agent.example.com/callback', false],
  ['http://127.0.0.2/callback', false],
  ['http://127.0.0.1.evil.example/callback', false],
  ['myapp://callback', false],
  ['javascript:alert(1)', false],
  ['https://agent.example.com/cb#frag', false],
  ['https://user:pw@agent.example.com/cb', false],
  ['/relative/callback', false],
];
for (const [uri, ok] of registrations) {
  test(`redirect URI ${uri} ${ok ? 'registers' : 'is refused'}`, () =>
    assert.equal(redirectUriRefusal(uri) === null, ok));
}

const matches: ReadonlyArray<[readonly string[], string, boolean]> = [
  [['https://a.example/cb'], 'https://a.example/cb', true],
  [['https://a.example/cb'], 'https://a.example/cb2', false],
  [['https://a.example/cb'], 'https://a.example:8443/cb', false],
  [['http://127.0.0.1:1000/cb'], 'http://127.0.0.1:2000/cb', true],
  [['http://127.0.0.1:1000/cb'], 'http://127.0.0.1:2000/other', false],
  [['http://127.0.0.1:1000/cb'], 'http://localhost:1000/cb', false],
  [['http://127.0.0.1/cb'], 'http://evil.example/cb', false],
];
for (const [registered, requested, want] of matches) {
  test(`${requested} ${want ? 'matches' : 'does not match'} ${registered.join(' ')}`, () =>
    assert.equal(redirectUriMatches(registered, requested), want));
}

const VERIFIER = 'v'.repeat(50);
const binding = {
  clientId: 'client-a',
  redirectUri: 'http://127.0.0.1:5000/cb',
  codeChallenge: s256Challenge(VERIFIER),
  user: 'ann',
  resource: 'http://127.0.0.1:8000/mcp',
};
const presented = {
  clientId: 'client-a',
  redirectUri: 'http://127.0.0.1:5000/cb',
  codeVerifier: VERIFIER,
  resource: null,
};

test('a code redeems once for its user; presented again it names the grant to revoke', () => {
  const codes = new AuthorizationCodes(() => new Date(0));
  const code = codes.issue(binding);
  assert.deepEqual(codes.redeem(code, presented), {
    kind: 'ok',
    user: 'ann',
    resource: 'http://127.0.0.1:8000/mcp',
  });
  codes.recordGrant(code, 'oauth-1');
  assert.deepEqual(codes.redeem(code, presented), { kind: 'reused', grantName: 'oauth-1' });
});

const mismatches: ReadonlyArray<[string, Partial<typeof presented>, RegExp]> = [
  ['another client', { clientId: 'client-b' }, /another client/],
  ['another redirect URI', { redirectUri: 'http://127.0.0.1:5000/other' }, /redirect_uri/],
  ['a wrong verifier', { codeVerifier: 'w'.repeat(50) }, /does not match/],
  ['a short verifier', { codeVerifier: 'short' }, /43 to 128/],
  ['another resource', { resource: 'http://127.0.0.1:8000/other' } as never, /resource/],
];
for (const [what, change, reason] of mismatches) {
  test(`a code presented with ${what} is refused and used up`, () => {
    const codes = new AuthorizationCodes(() => new Date(0));
    const code = codes.issue(binding);
    const outcome = codes.redeem(code, { ...presented, ...change });
    assert.equal(outcome.kind, 'invalid');
    assert.match(outcome.kind === 'invalid' ? outcome.reason : '', reason);
    assert.equal(codes.redeem(code, presented).kind, 'reused');
  });
}

test('a code expires after a minute', () => {
  let now = 0;
  const codes = new AuthorizationCodes(() => new Date(now));
  const code = codes.issue(binding);
  now += 61_000;
  assert.equal(codes.redeem(code, presented).kind, 'invalid');
  assert.equal(codes.redeem('not-a-code', presented).kind, 'invalid');
});
