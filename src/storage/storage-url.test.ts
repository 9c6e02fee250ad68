import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStorageProfile, parseStorageUri } from './storage-url.js';

const valid: ReadonlyArray<[string, string, string]> = [
  ['s3://bucket', 's3://bucket', ''],
  ['s3://bucket/a/b/', 's3://bucket', 'a/b'],
  ['gs://bucket/x', 'gs://bucket', 'x'],
  ['tos://bucket/x', 'tos://bucket', 'x'],
  ['azure://account/container/p', 'azure://account', 'container/p'],
  ['swift://a/b/c/d', 'swift://a/b', 'c/d'],
  ['file:///tmp/data/', 'file://', 'tmp/data'],
];
for (const [uri, profile, prefix] of valid) {
  test(`parseStorageUri(${uri})`, () => {
    const parsed = parseStorageUri(uri);
    assert.equal(parsed.profile, profile);
    assert.equal(parsed.prefix, prefix);
  });
}

for (const bad of [
  'tos://bucket',
  'azure://account',
  'swift://a/b',
  's3://',
  's3://b//x',
  's3://b/a,b',
  'http://x/y',
  'nothing',
]) {
  test(`parseStorageUri refuses ${bad}`, () =>
    assert.throws(() => parseStorageUri(bad), { message: `Invalid storage path: ${bad}` }));
}

test('data check accepts bare profiles', () => {
  assert.equal(parseStorageProfile('swift://a/b').profile, 'swift://a/b');
  assert.equal(parseStorageProfile('azure://acct').profile, 'azure://acct');
  assert.throws(() => parseStorageProfile('swift://a'), {
    message: 'Invalid storage credential path: swift://a',
  });
});
