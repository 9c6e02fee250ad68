// docs/cli.md comes from the command tree: every command has its section, with the help it prints.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { COMMAND_TABLE } from '../../src/cli/command-table.js';
import { REPO_ROOT, osmo, removeDir, tempDir } from './harness.js';

const run = promisify(execFile);

test('the generated CLI reference covers every command, as --help prints it, the same on every run', async () => {
  const dir = await tempDir('cli-doc');
  try {
    const first = join(dir, 'a.md');
    const second = join(dir, 'b.md');
    await run(process.execPath, [join(REPO_ROOT, 'scripts', 'cli-doc.mjs'), first]);
    await run(process.execPath, [join(REPO_ROOT, 'scripts', 'cli-doc.mjs'), second]);
    const text = await readFile(first, 'utf8');
    assert.equal(text, await readFile(second, 'utf8'));
    for (const { name } of COMMAND_TABLE) assert.match(text, new RegExp(`^## osmo ${name}$`, 'm'), name);
    for (const path of ['osmo workflow submit', 'osmo service start', 'osmo dataset download'])
      assert.match(text, new RegExp(`^## ${path}$`, 'm'), path);
    // The section is the command's own help: the submit section lists the flag --help lists.
    const help = await osmo(dir, ['workflow', 'submit', '--help']);
    const section = text.slice(
      text.indexOf('## osmo workflow submit\n'),
      text.indexOf('## osmo workflow validate'),
    );
    for (const flag of help.stdout.match(/--[a-z][a-z-]+/g) ?? []) assert.ok(section.includes(flag), flag);
    assert.match(section, /--dry-run/);
  } finally {
    await removeDir(dir);
  }
});
