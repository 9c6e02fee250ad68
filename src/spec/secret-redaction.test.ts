// Secret masking of a spec shown back to users: what is masked, what is kept, and that lines stay in place.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { credentialReferences, redactSecrets } from './secret-redaction.js';

const cases: ReadonlyArray<readonly [string, string]> = [
  ['      DB_PASSWORD: hunter2hunter2', '      DB_PASSWORD: [MASKED]'],
  ['      API_TOKEN: "abcdef0123456789"', '      API_TOKEN: "[MASKED]"'],
  [
    "      aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY'",
    "      aws_secret_access_key: '[MASKED]'",
  ],
  ['    args: ["--api-key=sk_live_0123456789abcdef"]', '    args: ["--api-key=[MASKED]"]'],
  ['      export GITHUB_TOKEN=ghp_0123456789abcdefghij; run', '      export GITHUB_TOKEN=[MASKED]; run'],
  // A base64 blob that decodes to a secret assignment is masked whole.
  [`      - ${btoa('password=hunter2hunter2')}`, '      - [MASKED]'],
  // Nothing secret: a plain value, a short value outside an environment block, a URL, a number.
  ['      INPUT_NAME: gr00t-pick-and-place', '      INPUT_NAME: gr00t-pick-and-place'],
  ['    password_hint: short', '    password_hint: short'],
  ['    - url: s3://my-bucket/key/path/', '    - url: s3://my-bucket/key/path/'],
  ['      EPOCHS: "20"', '      EPOCHS: "20"'],
  [`      - ${btoa('just some ordinary text')}`, `      - ${btoa('just some ordinary text')}`],
];
for (const [line, want] of cases) {
  void test(`redacts ${line.trim()}`, () => assert.equal(redactSecrets(line), want));
}

void test('an environment variable naming a secret is masked whatever its length; others keep their value', () => {
  const spec = [
    'workflow:',
    '  tasks:',
    '  - name: train',
    '    environment:',
    '      DB_PASSWORD: hunter2',
    '      "MY_TOKEN": "abc"',
    '      USE_KEY: "true"',
    '      SECRET_PATH: "{{ secret_path }}"',
    '      EPOCHS: "20"',
    '    args: [password]',
    '  - environment:',
    '      AUTH: x1',
    '    name: other',
  ].join('\n');
  assert.equal(
    redactSecrets(spec),
    [
      'workflow:',
      '  tasks:',
      '  - name: train',
      '    environment:',
      '      DB_PASSWORD: [MASKED]',
      '      "MY_TOKEN": "[MASKED]"',
      '      USE_KEY: "true"',
      '      SECRET_PATH: "{{ secret_path }}"',
      '      EPOCHS: "20"',
      '    args: [password]',
      '  - environment:',
      '      AUTH: [MASKED]',
      '    name: other',
    ].join('\n'),
  );
});

void test("the spec's credential names and keys are never masked", () => {
  const spec = [
    'workflow:',
    '  tasks:',
    '  - name: t',
    '    credentials:',
    '      omni_credential_name: {OMNI_TOKEN: omni_token_key}',
    '      registry_auth_cred: /root/.osmo',
  ].join('\n');
  const keep = credentialReferences(spec);
  assert.deepEqual([...keep].sort(), ['omni_credential_name', 'omni_token_key', 'registry_auth_cred']);
  assert.equal(redactSecrets('      OMNI_TOKEN: omni_token_key', keep), '      OMNI_TOKEN: omni_token_key');
  assert.equal(redactSecrets('      OMNI_TOKEN: other_token_val', keep), '      OMNI_TOKEN: [MASKED]');
});

void test('masking keeps every line in place', () => {
  const text = 'a: 1\n  DB_PASSWORD: hunter2hunter2\n\n  b: 2\n';
  const out = redactSecrets(text);
  assert.equal(out.split('\n').length, text.split('\n').length);
  assert.doesNotMatch(out, /hunter2/);
});
