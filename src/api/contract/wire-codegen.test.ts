// The CLI's copy of the wire schemas is what the schemas generate now.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATED_PATH, wireClientModule } from './wire-codegen.js';

test('src/cli/client/wire-schemas.generated.ts is up to date (else: node scripts/wire-schemas.mjs)', () => {
  const onDisk = readFileSync(join(process.cwd(), GENERATED_PATH), 'utf8');
  assert.equal(onDisk, wireClientModule());
});
