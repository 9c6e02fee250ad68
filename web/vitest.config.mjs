// Vitest runs the browser-side logic and components beside their code (web/src/**/*.test.ts[x]), in Node:
// components render to markup with react-dom/server, so no browser or DOM emulation is needed here; the
// Playwright journeys in test/e2e drive the real page.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  oxc: { jsx: { runtime: 'automatic' } },
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'node',
    pool: 'threads',
    maxWorkers: 2,
  },
});
