// Web UI figures: the initial JavaScript and CSS the page loads (raw and gzipped), and the first meaningful
// paint of the workflow list (navigation start to the first row drawn) in headless Chromium, against the real
// service holding N prefilled workflows.
// Usage: node dist/bench/web-ui.js [--workflows N=100000] [--loads L=5]
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { openStore } from '../src/store/index.js';
import { REPO_ROOT, startServiceProcess, tempDir } from '../test/e2e/harness.js';
import { insertBenchWorkflows } from './workflow-rows.js';

const GOAL_PAINT_MS = 1000;
const GOAL_GZIP_BYTES = 300 * 1024;
const ADMIN = 'bench-admin';
const STATUSES = ['COMPLETED', 'FAILED', 'RUNNING', 'FAILED_CANCELED', 'PENDING'] as const;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const value = Number(i >= 0 ? process.argv[i + 1] : undefined);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Workflow rows written straight into the store before the service opens it: only the list reads them. */
async function prefill(file: string, count: number): Promise<void> {
  const store = await openStore({ kind: 'sqlite', file });
  try {
    await insertBenchWorkflows(store, count, Date.now() - count * 60_000, {
      submittedBy: (i) => (i % 2 === 0 ? ADMIN : `user${i % 25}`),
      pool: () => 'default',
      // Finished statuses only, so the engine has nothing to pick up.
      status: (i) => STATUSES[i % 2 === 0 ? 0 : 1] ?? 'COMPLETED',
      timed: true,
    });
  } finally {
    await store.close();
  }
}

/** What index.html loads before anything renders: its module script and stylesheets. */
async function initialAssets(): Promise<{ file: string; raw: number; gzip: number }[]> {
  const dist = join(REPO_ROOT, 'web', 'dist');
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
  return Promise.all(
    refs.map(async (ref) => {
      const body = await readFile(join(dist, ref));
      return { file: ref, raw: body.length, gzip: gzipSync(body).length };
    }),
  );
}

/** The chunks loaded only when a page first needs them (the graph, the YAML editor): the rest of assets/. */
async function lazyAssets(
  initial: readonly string[],
): Promise<{ file: string; raw: number; gzip: number }[]> {
  const dir = join(REPO_ROOT, 'web', 'dist', 'assets');
  const names = (await readdir(dir)).filter((n) => !initial.includes(`/assets/${n}`)).sort();
  return Promise.all(
    names.map(async (name) => {
      const body = await readFile(join(dir, name));
      return { file: `/assets/${name}`, raw: body.length, gzip: gzipSync(body).length };
    }),
  );
}

const print = (line: string): void => void process.stdout.write(`${line}\n`);
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

async function main(): Promise<void> {
  const count = arg('--workflows', 100_000);
  const loads = arg('--loads', 5);
  const assets = await initialAssets();
  for (const a of assets) print(`${a.file}: ${kib(a.raw)} raw, ${kib(a.gzip)} gzipped`);
  const js = assets.filter((a) => a.file.endsWith('.js')).reduce((s, a) => s + a.gzip, 0);
  print(`initial JavaScript gzipped: ${kib(js)} (goal ≤ ${kib(GOAL_GZIP_BYTES)})`);
  for (const a of await lazyAssets(assets.map((x) => x.file)))
    print(`on demand ${a.file}: ${kib(a.raw)} raw, ${kib(a.gzip)} gzipped`);

  const dataDir = await tempDir('bench-web');
  const prefillStart = Date.now();
  await prefill(join(dataDir, 'osmo.db'), count);
  print(`prefilled ${count} workflows in ${((Date.now() - prefillStart) / 1000).toFixed(1)} s`);
  const service = await startServiceProcess({ dataDir, args: ['--admin', ADMIN], startTimeoutMs: 120_000 });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${service.url}/`);
    await page.getByRole('tab', { name: 'Dev mode' }).click();
    await page.getByLabel('Username').fill(ADMIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-user').waitFor();
    const paints: number[] = [];
    for (let i = 0; i < loads; i++) {
      // A full load each time: the page, its bundle (revalidated), the session renewal, the profile and the list.
      await page.goto(`${service.url}/workflows?all=true`);
      await page.locator('table[aria-label="Workflows"] tbody tr').first().waitFor();
      paints.push(await page.evaluate(() => performance.now()));
    }
    paints.sort((a, b) => a - b);
    const median = paints[Math.floor(paints.length / 2)] ?? NaN;
    print(
      `workflow list, ${count} workflows, first row drawn: median ${median.toFixed(0)} ms of ${loads} loads ` +
        `(min ${(paints[0] ?? NaN).toFixed(0)}, max ${(paints.at(-1) ?? NaN).toFixed(0)}; goal ≤ ${GOAL_PAINT_MS} ms)`,
    );
  } finally {
    await browser.close();
    await service.stop();
  }
}

await main();
