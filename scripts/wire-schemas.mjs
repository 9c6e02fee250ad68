// Rewrites src/cli/client/wire-schemas.generated.ts from the built wire schemas (run after `tsc`).
import { writeFileSync } from 'node:fs';

const { GENERATED_PATH, wireClientModule } = await import('../dist/src/api/contract/wire-codegen.js');
writeFileSync(GENERATED_PATH, wireClientModule());
console.log(`wrote ${GENERATED_PATH}`);
