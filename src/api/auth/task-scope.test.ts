// Which routes a task's credential is refused, by their declared patterns.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRouteOpenToTasks } from './task-scope.js';

const cases: ReadonlyArray<[string, boolean]> = [
  ['/api/workflow', true],
  ['/api/workflow/:name/cancel', true],
  ['/api/pool/:pool_name/workflow', true],
  ['/api/profile/settings', true],
  ['/api/auth/jwt/access_token', true],
  ['/api/credentials', false],
  ['/api/credentials/:cred_name', false],
  ['/api/auth/access_token', false],
  ['/api/auth/access_token/:token_name/roles', false],
  ['/api/auth/user/:user_id/access_token/:token_name', false],
  ['/api/auth/device', false],
  ['/api/credentialsx', true],
];
for (const [route, open] of cases)
  test(`a task's credential ${open ? 'may' : 'may not'} call ${route}`, () =>
    assert.equal(isRouteOpenToTasks(route), open));
