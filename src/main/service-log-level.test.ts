import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { requestedLogLevel, serviceLogLevel } from './service-log-level.js';

test("the CLI's level names map to the service logger's, in any case", () => {
  assert.equal(serviceLogLevel('WARNING'), 'warn');
  assert.equal(serviceLogLevel('warn'), 'warn');
  assert.equal(serviceLogLevel('CRITICAL'), 'fatal');
  assert.equal(serviceLogLevel('10'), 'debug');
  assert.equal(serviceLogLevel('info'), 'info');
  assert.equal(serviceLogLevel('verbose'), undefined);
});

/** The shape of the real tree: a root and a leaf that both declare the flag. */
function tree(): { root: Command; start: Command } {
  const root = new Command('osmo').option('--log-level <level>', 'root', 'INFO').exitOverride();
  const start = root
    .command('service')
    .command('start')
    .option('--log-level <level>')
    .action(() => undefined);
  return { root, start };
}

test('the level is read from whichever command took the flag; none written is none', () => {
  const written = tree();
  written.root.parse(['service', 'start', '--log-level', 'warn'], { from: 'user' });
  assert.equal(requestedLogLevel(written.start), 'warn');
  const defaulted = tree();
  defaulted.root.parse(['service', 'start'], { from: 'user' });
  assert.equal(requestedLogLevel(defaulted.start), undefined);
});
