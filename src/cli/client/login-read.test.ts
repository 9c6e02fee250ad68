import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readLoginFile, writeLoginFile, type LoginFile } from '../../config/login-file.js';
import { tempConfigDir } from '../../../test/fixtures/cli/harness.js';
import { loginFromMapping, parsePlainMapping, readLogin } from './login-read.js';

const tokenLogin = (name: string, refresh: string | null): LoginFile => ({
  url: 'http://127.0.0.1:8000',
  dev_login: null,
  name,
  osmo_token: true,
  token_login: {
    id_token: 'eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9.c2ln',
    refresh_token: refresh,
    refresh_url: 'http://127.0.0.1:8000/api/auth/jwt/access_token',
    client_id: null,
    username: name,
  },
});

test('logins written by osmo login read back as the full reader reads them, without it', async () => {
  const names = [
    'alice',
    '',
    '123',
    'true',
    'null',
    'a: b',
    '#tag',
    "it's",
    '-dash',
    'x #y',
    ' pad ',
    'yes',
    '1e5',
    'é',
  ];
  for (const [i, name] of names.entries()) {
    const dir = tempConfigDir();
    const login =
      i % 2 === 0 ? tokenLogin(name, `-r${name}`) : { ...tokenLogin(name, null), osmo_token: false };
    await writeLoginFile(dir, login);
    assert.deepEqual(await readLogin(dir), await readLoginFile(dir), name);
  }
  const dev = tempConfigDir();
  await writeLoginFile(dev, {
    url: 'http://h',
    dev_login: { username: 'bob' },
    name: 'bob',
    osmo_token: false,
    token_login: null,
  });
  assert.deepEqual(await readLogin(dev), await readLoginFile(dev));
  // The common files are read without the full reader.
  const plain = parsePlainMapping(await readFile(join(dev, 'login.yaml'), 'utf8'));
  assert.notEqual(plain && loginFromMapping(plain), undefined);
});

test('the plain reading decides only what YAML reads the same way', () => {
  const alphabet = 'aZ09-_.:#\'" ~+!&*[]{}?,%@`|>xeE';
  let seed = 7;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648);
  for (let n = 0; n < 5000; n += 1) {
    let value = '';
    for (let k = next() % 8; k > 0; k -= 1) value += alphabet[next() % alphabet.length];
    const text = `key: ${value}\n`;
    const plain = parsePlainMapping(text);
    if (plain === undefined) continue;
    let expected: unknown;
    try {
      expected = (parse(text) as Record<string, unknown>)['key'];
    } catch {
      assert.fail(`plain reading accepted ${JSON.stringify(value)}, which YAML rejects`);
    }
    assert.deepEqual(plain.get('key'), expected, JSON.stringify(value));
  }
});

test('anything else goes to the full reader, which words the errors', async () => {
  for (const text of [
    '# a comment\nurl: http://h\n',
    'url: [a]\n',
    'token_login:\n  a:\n    b: 1\n',
    'url: 8000\n',
  ]) {
    assert.equal(loginFromMapping(parsePlainMapping(text) ?? new Map()), undefined, text);
  }
  const dir = tempConfigDir();
  await writeFile(join(dir, 'login.yaml'), "# upstream\nurl: 'http://h'\ndev_login: {username: bob}\n");
  assert.deepEqual(await readLogin(dir), await readLoginFile(dir));
  await writeFile(join(dir, 'login.yaml'), 'url: http://h\nname: 5\n');
  await assert.rejects(readLogin(dir), /Invalid login file .*name/);
  await writeFile(join(dir, 'login.yaml'), 'url: http://h\n');
  await assert.rejects(readLogin(dir), /exactly one of token_login and dev_login/);
});
