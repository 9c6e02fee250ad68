import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAppSpec } from './app-spec.js';

const spec = (command: string, extra = ''): string =>
  `workflow:\n  name: app\n  tasks:\n    - name: t\n      image: ubuntu\n      command: ${command}\n${extra}`;

test('a templated spec renders with its own default-values', () => {
  assert.doesNotThrow(() => checkAppSpec(spec("['echo', '{{who}}']", 'default-values:\n  who: world\n')));
});

test('localpath file entries are accepted (they are read at submit time)', () => {
  const files = '      files:\n        - path: /data/in.txt\n          localpath: in.txt\n';
  assert.doesNotThrow(() => checkAppSpec(spec("['cat', '/data/in.txt']") + files));
});

const refused: ReadonlyArray<[string, string, RegExp]> = [
  ['empty', '   \n', /App is empty/],
  ['broken Jinja', spec("['{{ oops']"), /./],
  ['unknown task field', spec("['true']", '      colour: red\n'), /colour/],
  ['no workflow', 'default-values:\n  a: 1\n', /Workflow spec not found/],
];
for (const [name, text, message] of refused) {
  test(`refused: ${name}`, () => assert.throws(() => checkAppSpec(text), message));
}
