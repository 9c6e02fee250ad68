import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { OsmoError } from '../../../core/index.js';
import { captureIo } from '../../output/io.js';
import { stdinLineReader } from '../../output/line-reader.js';
import { BAD_APP_NAME, parseAppRef } from './app-ref.js';
import { confirmLoop } from './confirm.js';
import { defaultValuesBlock } from './show.js';

const refs: ReadonlyArray<[string, string | undefined, number | undefined, string | null]> = [
  ['train', 'train', undefined, null],
  ['my_app-2:3', 'my_app-2', 3, null],
  ['bad name', undefined, undefined, BAD_APP_NAME],
  ['app:latest', undefined, undefined, 'App version must be a positive integer, got "latest".'],
  ['app:0', undefined, undefined, 'App version must be a positive integer, got "0".'],
];
for (const [text, name, version, error] of refs) {
  test(`parseAppRef(${text})`, () => {
    if (error !== null) {
      assert.throws(
        () => parseAppRef(text),
        (err) => err instanceof OsmoError && err.message === error,
      );
    } else {
      assert.deepEqual(parseAppRef(text), { name, version });
    }
  });
}

test('defaultValuesBlock takes the raw block, dedented, comments and order kept', () => {
  const spec = 'workflow:\n  name: x\ndefault-values:\n  # the model\n  model: base\n  epochs: 10\n\n';
  assert.equal(defaultValuesBlock(spec), '# the model\nmodel: base\nepochs: 10');
  assert.equal(defaultValuesBlock('workflow:\n  name: x\n'), null);
  assert.throws(
    () => defaultValuesBlock('default-values:\n  a: 1\ndefault-values:\n  b: 2\n'),
    /Multiple default-values/,
  );
});

test('confirmLoop asks again on anything but yes or no, and end of input is a no', async () => {
  const io = captureIo();
  const readLine = stdinLineReader(Readable.from(['maybe\nYES\n']));
  assert.equal(await confirmLoop('Sure?', { io, readLine }), true);
  assert.equal(io.stdout(), 'Sure?\n[y/n]: Invalid input\nSure?\n[y/n]: ');
  assert.equal(await confirmLoop('Again?', { io: captureIo(), readLine }), false);
});
