import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { COMPATIBLE_OSMO_VERSION_TEXT, OSMO_VERSION, versionText } from './version.js';

test('package.json carries the build version core/version.ts declares', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  assert.equal(pkg.version, OSMO_VERSION);
});

test('the compatible upstream release is 6.4.x, written as upstream writes it', () => {
  assert.match(COMPATIBLE_OSMO_VERSION_TEXT, /^6\.4\.\d+$/);
  assert.equal(versionText({ major: '6', minor: '4', revision: '0', hash: 'abc123' }), '6.4.0.abc123');
});
