import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cliConfigDir, readCliEnvironment } from './cli-paths.js';

test('config dir precedence', () => {
  assert.equal(cliConfigDir({ OSMO_CONFIG_FILE_DIR: '/a', XDG_CONFIG_HOME: '/x' }, '/h'), '/a');
  assert.equal(cliConfigDir({ XDG_CONFIG_HOME: '/x' }, '/h'), '/x/osmo');
  assert.equal(cliConfigDir({}, '/h'), '/h/.config/osmo');
});

test('OSMO_LOGIN_DEV accepts true and True only', () => {
  assert.equal(readCliEnvironment({ OSMO_LOGIN_DEV: 'True' }).loginDev, true);
  assert.equal(readCliEnvironment({ OSMO_LOGIN_DEV: '1' }).loginDev, false);
});
