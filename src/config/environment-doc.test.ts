// docs/environment.md lists every environment variable src/config reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();

test('every environment variable read in src/config is documented', () => {
  const doc = readFileSync(join(root, 'docs', 'environment.md'), 'utf8');
  const dir = join(root, 'src', 'config');
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const m of text.matchAll(/env(?:\.([A-Z][A-Z0-9_]+)|\[['"]([A-Z][A-Z0-9_]+)['"]\])/g))
      names.add(m[1] ?? m[2] ?? '');
    for (const m of text.matchAll(/value\('([A-Z][A-Z0-9_]+)'\)/g)) names.add(m[1] ?? '');
  }
  assert.ok(names.size > 20, [...names].join(', '));
  const missing = [...names].filter((n) => !doc.includes(`\`${n}\``));
  assert.deepEqual(missing, []);
});
