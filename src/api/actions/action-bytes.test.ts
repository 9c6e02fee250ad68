import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActionByteTally, sessionMeter } from './action-bytes.js';

test('meters add to their action and direction; entries name them as upstream does', () => {
  const tally = new ActionByteTally();
  const forward = tally.meter('PORTFORWARD');
  forward.input(10);
  forward.output(3);
  tally.meter('PORTFORWARD').input(5);
  tally.meter('EXEC').output(7);
  assert.deepEqual(tally.entries(), [
    { action: 'EXEC', direction: 'input', metric: 'EXEC_INPUT', bytes: 0 },
    { action: 'EXEC', direction: 'output', metric: 'EXEC_OUTPUT', bytes: 7 },
    { action: 'PORTFORWARD', direction: 'input', metric: 'PORTFORWARD_INPUT', bytes: 15 },
    { action: 'PORTFORWARD', direction: 'output', metric: 'PORTFORWARD_OUTPUT', bytes: 3 },
  ]);
});

test('with telemetry off a session gets no meter and nothing shows', () => {
  const tally = new ActionByteTally();
  assert.equal(sessionMeter(tally, false, 'RSYNC'), null);
  assert.deepEqual(tally.entries(), []);
  sessionMeter(tally, true, 'RSYNC')?.input(4);
  assert.deepEqual(
    tally.entries().map((e) => [e.metric, e.bytes]),
    [
      ['RSYNC_INPUT', 4],
      ['RSYNC_OUTPUT', 0],
    ],
  );
});
