// The web UI in headless Chromium against a service with declared GPU nodes: the pools page's free GPUs agree
// with `osmo pool list`, the palette follows the system's colour scheme, and the workflow pages fit a phone.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchChromium } from './browser.js';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { ServiceProcess } from './harness.js';
import { eventually, loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

const USER = 'fit-ann';
const GiB = 1024 ** 3;
const node = (name: string) => ({ name, cpu: 64, memoryBytes: 256 * GiB, gpu: 8, labels: { zone: 'a' } });
const CONFIG = {
  backends: [{ name: 'local', nodes: [node('n1'), node('n2')] }],
  pools: {
    train: {
      description: 'Training',
      backend: 'local',
      default_platform: 'gpu',
      resources: { gpu: { guarantee: 12, maximum: -1, weight: 1 } },
      platforms: { gpu: { labels: { zone: 'a' } } },
    },
  },
};
const SPEC = `workflow:
  name: fit-gpu-job-with-a-long-name-for-a-phone
  resources:
    r:
      gpu: 3
      cpu: 1
      memory: 1Gi
  tasks:
  - name: trainer-task-with-a-long-name
    image: none
    command: ["sleep", "120"]
    resource: r
`;

let service: ServiceProcess;
let browser: Browser;
let dir: string;
let cli: string;
let workflowId: string;

before(async () => {
  dir = await tempDir('ui-fit');
  const configFile = join(dir, 'osmo.yaml');
  await writeFile(configFile, JSON.stringify(CONFIG));
  [service, browser] = await Promise.all([
    startServiceProcess({ args: ['--config', configFile, '--admin', USER] }),
    launchChromium(),
  ]);
  cli = await loginAs(service.url, USER);
  const file = join(dir, 'job.yaml');
  await writeFile(file, SPEC);
  const submitted = await osmo(cli, ['workflow', 'submit', file, '--pool', 'train']);
  assert.equal(submitted.code, 0, submitted.stdout + submitted.stderr);
  workflowId = /Workflow ID\s+-\s+(\S+)/.exec(submitted.stdout)?.[1] ?? '';
  assert.ok(workflowId, submitted.stdout);
  await eventually(async () => {
    const q = JSON.parse((await osmo(cli, ['workflow', 'query', workflowId, '-t', 'json'])).stdout);
    return q.status === 'RUNNING' ? true : null;
  }, 30_000);
});

after(async () => {
  await browser?.close();
  await service?.stop();
  await removeDir(dir);
});

async function signedIn(path: string, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  await page.goto(`${service.url}${path}`);
  await page.getByRole('tab', { name: 'Dev mode' }).click();
  await page.getByLabel('Username').fill(USER);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in-user').waitFor();
  return page;
}

test('pools page: a pool’s free GPUs match osmo pool list for the same service', async () => {
  const listed = await osmo(cli, ['pool', 'list', '--format-type', 'json']);
  assert.equal(listed.code, 0, listed.stdout + listed.stderr);
  const json = JSON.parse(listed.stdout) as {
    node_sets: { pools: { name: string; resource_usage: { quota_free: string; total_free: string } }[] }[];
  };
  const usage = json.node_sets.flatMap((s) => s.pools).find((p) => p.name === 'train')?.resource_usage;
  assert.ok(usage, listed.stdout);
  // The running job holds 3 of the 16 GPUs and 3 of the 12 quota: a page showing capacity would not pass.
  assert.equal(usage.total_free, '13');
  assert.equal(usage.quota_free, '9');
  const page = await signedIn('/pools');
  try {
    const row = page.locator('tr[data-pool="train"]');
    await row.waitFor();
    assert.equal((await row.getByTestId('capacity-free').textContent())?.trim(), usage.total_free);
    assert.equal((await row.getByTestId('quota-free').textContent())?.trim(), usage.quota_free);
  } finally {
    await page.context().close();
  }
});

// Expressions run in the page (this file is compiled without the DOM types).
const background = async (page: Page): Promise<string> =>
  String(await page.evaluate('getComputedStyle(document.body).backgroundColor'));

test('the palette follows prefers-color-scheme until the user picks a theme', async () => {
  const page = await signedIn('/workflows', { colorScheme: 'dark' });
  try {
    const dark = await background(page);
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await background(page);
    assert.notEqual(dark, light);
    // Dark backgrounds have low channels, light ones high.
    const level = (rgb: string): number => Number(/\d+/.exec(rgb)?.[0]);
    assert.ok(level(dark) < 64 && level(light) > 192, `${dark} / ${light}`);
    // An explicit choice wins over the system setting, and survives a reload.
    await page.getByRole('button', { name: 'Toggle dark theme' }).click();
    assert.equal(await background(page), dark);
    await page.reload();
    await page.getByTestId('signed-in-user').waitFor();
    assert.equal(await background(page), dark);
  } finally {
    await page.context().close();
  }
});

const overflow = async (page: Page): Promise<{ scroll: number; width: number }> =>
  (await page.evaluate('({ scroll: document.scrollingElement.scrollWidth, width: window.innerWidth })')) as {
    scroll: number;
    width: number;
  };

test('workflow list and detail pages fit a phone-width window without horizontal page scroll', async () => {
  // Not isMobile: mobile emulation zooms out to fit wide content, which would widen innerWidth and hide overflow.
  const page = await signedIn('/workflows', { viewport: { width: 390, height: 844 }, hasTouch: true });
  try {
    await page.locator(`a[href*="${workflowId}"]`).first().waitFor();
    const list = await overflow(page);
    assert.equal(list.width, 390);
    assert.ok(list.scroll <= list.width, `workflow list: ${list.scroll} > ${list.width}`);
    await page.goto(`${service.url}/workflows/${workflowId}`);
    await page.locator('.workflow-header [data-status="RUNNING"]').waitFor({ timeout: 30_000 });
    await page.getByText('trainer-task-with-a-long-name').first().waitFor();
    const detail = await overflow(page);
    assert.ok(detail.scroll <= detail.width, `workflow detail: ${detail.scroll} > ${detail.width}`);
  } finally {
    await page.context().close();
  }
});
