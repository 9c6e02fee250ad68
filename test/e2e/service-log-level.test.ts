// End to end: `osmo service start --log-level` sets the level of what the service logs, although the
// CLI's root declares a `--log-level` of its own that takes the flag wherever it is written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { devToken, startServiceProcess } from './harness.js';

/** Everything the service printed on stdout while it answered one authenticated request, then stopped. */
async function printedWhileServing(args: readonly string[]): Promise<string> {
  const service = await startServiceProcess({ args });
  let printed = '';
  service.process.stdout?.on('data', (d: Buffer) => (printed += d.toString()));
  const stdoutClosed = new Promise<void>((resolve) => service.process.stdout?.once('close', resolve));
  await devToken(service.url, 'ann');
  await service.stop();
  await stdoutClosed;
  return printed;
}

test('at --log-level warn the service logs no request; at info it logs each', async () => {
  // The harness starts every service with `--log-level warn`; a later flag wins.
  assert.doesNotMatch(await printedWhileServing([]), /incoming request|request completed/);
  assert.match(await printedWhileServing(['--log-level', 'info']), /"msg":"request completed"/);
});
