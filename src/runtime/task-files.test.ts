import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveTaskFilePath } from './task-files.js';

const allowed: ReadonlyArray<[string, string]> = [
  ['/tmp/run.sh', '/tmp/run.sh'],
  ['tmp/run.sh', '/tmp/run.sh'],
  ['/osmo/data/output/seed.txt', '/osmo/data/output/seed.txt'],
];
for (const [path, want] of allowed)
  void test(`file path ${path}`, () => assert.equal(resolveTaskFilePath(path), want));

for (const path of ['/', '', '/osmo/run/x', 'osmo/data/input/0/x', '/tmp/../osmo/x']) {
  void test(`file path ${JSON.stringify(path)} is refused`, () =>
    assert.throws(() => resolveTaskFilePath(path), /forbidden for file/));
}
