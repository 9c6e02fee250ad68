// Lint rules that keep the architecture honest: imports point inward without cycles, pure folders stay
// free of I/O, promises are awaited.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

// The folders of src/ each folder may import (docs/architecture.md): imports point inward, so a
// folder missing here, or not listed for another, is refused by import-x/no-restricted-paths.
const MAY_IMPORT = {
  core: [],
  spec: ['core'],
  scheduler: ['core'],
  config: ['core', 'spec'],
  store: ['core'],
  storage: ['core'],
  identity: ['core', 'store'],
  runtime: ['core', 'storage'],
  backends: ['core', 'runtime', 'storage'],
  controller: ['core', 'spec', 'scheduler', 'config', 'store', 'storage', 'identity', 'runtime', 'backends'],
  notifications: ['core', 'config', 'store', 'identity'],
  api: ['core', 'spec', 'scheduler', 'config', 'store', 'storage', 'identity', 'controller', 'notifications'],
  cli: ['core', 'spec', 'config', 'storage', 'backends', 'api'],
};
const SRC_FOLDERS = [...Object.keys(MAY_IMPORT), 'main'];
const FOLDER_ZONES = [
  ...Object.entries(MAY_IMPORT).map(([folder, allowed]) => ({
    target: `./src/${folder}`,
    from: SRC_FOLDERS.filter((other) => other !== folder && !allowed.includes(other)).map(
      (f) => `./src/${f}`,
    ),
    message: `src/${folder} may import only ${allowed.length === 0 ? 'itself' : allowed.join(', ')} (docs/architecture.md).`,
  })),
  // The CLI talks to the service over HTTP: of the API it shares only the wire shapes.
  {
    target: './src/cli',
    from: './src/api',
    except: ['./contract'],
    message: 'The CLI may import only src/api/contract.',
  },
  // The browser app shares the status vocabularies, the wire shapes and the stored configuration's
  // schema (zod only), nothing that runs in Node.
  {
    target: './web/src',
    from: './src',
    except: ['./core', './api/contract', './config/pool-config.ts'],
    message: 'web/ may import only src/core, src/api/contract and src/config/pool-config.ts.',
  },
];
// Test support kept beside the code it exercises; tests load it, the service and the CLI never do.
const TEST_SUPPORT = [
  'src/**/testing.ts',
  'src/**/testing/**',
  'src/**/*-fixture.ts',
  'src/{backends/contract,storage/storage-contract}.ts',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', 'web/**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's test() and describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', name: ['test', 'describe', 'it', 'suite'], package: 'node:test' },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      // Comments say the behaviour in words, never a section number of a document outside this repository.
      'no-warning-comments': ['error', { terms: ['§'], location: 'anywhere' }],
    },
  },
  {
    // Modules import one another one way only. Imports are written `./x.js` and resolve to `x.ts`.
    files: ['**/*.ts', 'web/**/*.tsx'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.tsx', '.js', '.mjs'],
          extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
        }),
      ],
    },
    // A dynamic import runs once every module has loaded, so a loop through one never meets a module
    // half initialised: the lazily loaded commands close such loops by design (completion walks the
    // whole command tree that lazily loads it).
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true, allowUnsafeDynamicCyclicDependency: true }],
    },
  },
  {
    files: ['src/**/*.ts', 'web/src/**/*.ts', 'web/src/**/*.tsx'],
    ignores: ['**/*.test.ts', '**/*.test.tsx', ...TEST_SUPPORT],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [
            ...FOLDER_ZONES,
            {
              target: './src',
              from: TEST_SUPPORT.map((glob) => `./${glob}`),
              message: 'Test support is for tests only.',
            },
          ],
        },
      ],
    },
  },
  {
    // Pure logic: no I/O, no storage, no backends (style.md R2, R3).
    files: ['src/core/**/*.ts', 'src/spec/**/*.ts', 'src/scheduler/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['node:*', 'kysely', 'fastify', '**/store/**', '**/backends/**', '**/storage/**'] },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config/**', 'src/main/**', '**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration in src/config only.' },
        { object: 'process', property: 'exit', message: 'Only src/main may exit.' },
      ],
    },
  },
  {
    files: ['**/*.mjs', 'scripts/**', 'bin/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
