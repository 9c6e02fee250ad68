import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverError, submissionError, userError } from '../core/index.js';
import { ArgparseError, EarlyExit, Interrupted, ServiceError } from './errors.js';
import { errorCodeFor, exitCodeFor } from './exit-code.js';

const cases: ReadonlyArray<[string, unknown, number]> = [
  ['submission from the service', new ServiceError('submission', 'x', 400, 'USAGE'), 1],
  ['user error 400', new ServiceError('user', 'x', 400, 'USER'), 2],
  ['credential error', new ServiceError('credential', 'x', 400, 'CREDENTIAL'), 2],
  ['rate limited', new ServiceError('user', 'x', 429), 75],
  ['server error', new ServiceError('server', 'x', 500), 10],
  ['connection refused', new ServiceError('connection', 'x'), 10],
  ['client-side user error', userError('Must login first with "login" command'), 2],
  ['client-side submission error', submissionError('missing file'), 1],
  ['client-side server error', serverError('x'), 10],
  ['argparse', new ArgparseError('usage: osmo', 'osmo', 'bad'), 2],
  ['interrupted', new Interrupted(), 3],
  ['explicit early exit', new EarlyExit(1), 1],
  ['anything else', new TypeError('surprise'), 2],
];
for (const [name, err, want] of cases) {
  test(`exit code for ${name} is ${want}`, () => assert.equal(exitCodeFor(err), want));
}

test('error code is the HTTP status, else the exit status', () => {
  assert.equal(errorCodeFor(new ServiceError('user', 'x', 404)), 404);
  assert.equal(errorCodeFor(new ServiceError('submission', 'x', null)), 1);
  assert.equal(errorCodeFor(userError('x')), 2);
  assert.equal(errorCodeFor(new ServiceError('connection', 'x', null)), 10);
});
