import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearerProtocols, tokenFromProtocols, WEBSOCKET_PROTOCOL } from './websocket-auth.js';

test("a token offered as a subprotocol comes back whole, beside the service's own protocol", () => {
  const token = 'eyJhbGciOi.J9-_x.sig/+=é';
  const offered = bearerProtocols(token);
  assert.equal(offered[0], WEBSOCKET_PROTOCOL);
  // Every entry must be a valid HTTP token, or the browser refuses to send it.
  for (const entry of offered) assert.match(entry, /^[A-Za-z0-9._-]+$/);
  assert.equal(tokenFromProtocols(offered.join(', ')), token);
});

test('headers without a token entry, or with a mangled one, carry no token', () => {
  assert.equal(tokenFromProtocols(undefined), null);
  assert.equal(tokenFromProtocols('osmo, chat'), null);
  assert.equal(tokenFromProtocols('osmo, base64url.bearer.osmo.***'), null);
  assert.equal(tokenFromProtocols('base64url.bearer.osmo.__8'), null); // not UTF-8
});
