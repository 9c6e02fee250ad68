// Runs every compiled test file with node's own test runner (Node 20 takes no globs on the command line).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...collect(path));
    else if (entry.name.endsWith('.test.js')) found.push(path);
  }
  return found;
}

const only = process.argv.slice(2);
const roots = ['dist/src', 'dist/test'].filter((d) => {
  try {
    return readdirSync(d) !== undefined;
  } catch {
    return false;
  }
});
const files = roots
  .flatMap(collect)
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
// The web UI's component and logic tests (Vitest, beside their code in web/src) run first, on a full run
// or when asked for by `web`, `web/...` or `vitest`; they take a few seconds.
if (only.length === 0 || only.some((o) => o === 'web' || o === 'vitest' || o.startsWith('web/'))) {
  const vitest = spawnSync(
    process.execPath,
    ['node_modules/vitest/vitest.mjs', 'run', '--config', 'web/vitest.config.mjs'],
    { stdio: 'inherit' },
  );
  if (vitest.status !== 0) process.exit(vitest.status ?? 1);
}
// With no file left by the filter, node would look for tests everywhere itself.
if (files.length === 0) process.exit(0);
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
