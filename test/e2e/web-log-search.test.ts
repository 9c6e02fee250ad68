// The log viewer's service-side search in headless Chromium against the real service: only the matches arrive.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchChromium } from './browser.js';
import type { Browser } from 'playwright-core';
import type { ServiceProcess } from './harness.js';
import { eventually, loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

const USER = 'ui-searcher';
const SPEC = `workflow:
  name: ui-search
  tasks:
    - name: talker
      image: ubuntu:24.04
      command: ['sh', '-c', 'i=1; while [ $i -le 30 ]; do echo "line $i"; i=$((i+1)); done; echo "needle found"']
`;

let service: ServiceProcess;
let browser: Browser;
let cli: string;
let work: string;
let id: string;

before(async () => {
  [service, browser] = await Promise.all([startServiceProcess(), launchChromium()]);
  cli = await loginAs(service.url, USER);
  work = await tempDir('ui-search');
  const file = join(work, 'spec.yaml');
  await writeFile(file, SPEC);
  const r = await osmo(cli, ['workflow', 'submit', file]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  id = /Workflow ID\s+-\s+(\S+)/.exec(r.stdout)?.[1] ?? '';
  await eventually(async () => {
    const q = JSON.parse((await osmo(cli, ['workflow', 'query', id, '-t', 'json'])).stdout) as {
      status: string;
    };
    return q.status === 'COMPLETED' ? true : null;
  });
});

after(async () => {
  await browser?.close();
  await service?.stop();
  for (const d of [cli, work]) if (d) await removeDir(d);
});

test('a service search in the log viewer streams only the matching lines and their context', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(`${service.url}/log-viewer?workflow=${id}`);
    await page.getByRole('tab', { name: 'Dev mode' }).click();
    await page.getByLabel('Username').fill(USER);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-user').waitFor();
    await page
      .getByRole('log')
      .getByText(/line 30$/)
      .waitFor({ timeout: 20_000 });
    await page.getByLabel('Search the whole log on the service').fill('needle');
    await page.getByLabel('Context lines').fill('1');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('q') === 'needle' && u.searchParams.get('c') === '1');
    // The service sent the match and one line before it, nothing else.
    await page
      .getByTestId('log-state')
      .getByText(/^2 lines · complete/)
      .waitFor({ timeout: 20_000 });
    const shown = await page.getByRole('log').locator('.log-line').allTextContents();
    assert.deepEqual(
      shown.map((l) => l.replace(/^\S+ \S+ /, '')),
      ['[talker] line 30', '[talker] needle found'],
    );
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.waitForURL((u) => !u.searchParams.has('q'));
    await page
      .getByRole('log')
      .getByText(/line 1$/)
      .waitFor();
  } finally {
    await context.close();
  }
});
