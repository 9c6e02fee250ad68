import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { ArgparseError } from '../errors.js';
import { normaliseArgv } from './argv.js';
import { extendOption, formatTypeOption, listOption } from './options.js';

function tree(): Command {
  const root = new Command('osmo').option('--log-level <level>');
  const group = new Command('workflow');
  group.addCommand(
    new Command('list')
      .addOption(formatTypeOption())
      .option('--force')
      .addOption(listOption('-u, --user <user...>', 'users'))
      .addOption(extendOption('--set <kv...>', 'vars')),
  );
  root.addCommand(group);
  return root;
}

describe('normaliseArgv', () => {
  test('expands an unambiguous long prefix, with or without =', () => {
    assert.deepEqual(normaliseArgv(tree(), ['workflow', 'list', '--form', 'json']), [
      'workflow',
      'list',
      '--format-type',
      'json',
    ]);
    assert.deepEqual(normaliseArgv(tree(), ['workflow', 'list', '--form=json']), [
      'workflow',
      'list',
      '--format-type=json',
    ]);
  });
  test('an ambiguous prefix is a usage error naming the candidates', () => {
    assert.throws(
      () => normaliseArgv(tree(), ['workflow', 'list', '--f', 'json']),
      (e: unknown) =>
        e instanceof ArgparseError &&
        e.message === 'ambiguous option: --f could match --format-type, --force',
    );
  });
  test('plain nargs=+ lists keep only the last occurrence', () => {
    assert.deepEqual(normaliseArgv(tree(), ['workflow', 'list', '-u', 'a', 'b', '--user', 'c']), [
      'workflow',
      'list',
      '--user',
      'c',
    ]);
  });
  test('extend lists keep every occurrence', () => {
    assert.deepEqual(normaliseArgv(tree(), ['workflow', 'list', '--set', 'a=1', '--set', 'b=2']), [
      'workflow',
      'list',
      '--set',
      'a=1',
      '--set',
      'b=2',
    ]);
  });
  test('root options are expanded at the root', () => {
    assert.deepEqual(normaliseArgv(tree(), ['--log', 'debug', 'workflow', 'list']), [
      '--log-level',
      'debug',
      'workflow',
      'list',
    ]);
  });
  test('tokens after -- are left alone', () => {
    assert.deepEqual(normaliseArgv(tree(), ['workflow', 'list', '--', '--form']), [
      'workflow',
      'list',
      '--',
      '--form',
    ]);
  });
});
