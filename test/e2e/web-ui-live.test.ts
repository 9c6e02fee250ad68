// The web UI's live workflow page in headless Chromium against the real service: status pushed over the change
// stream (an idle open page asks the service nothing), the React Flow graph following a workflow to COMPLETED,
// a 100,000-line log drawn virtually, the spec in the YAML view, and a shell in a running task.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchChromium } from './browser.js';
import type { Browser, Page } from 'playwright-core';
import type { ServiceProcess } from './harness.js';
import { REPO_ROOT, startServiceProcess } from './harness.js';

const USER = 'ui-live';
// Two tasks, each its own group; the second reads the first's output, so the graph has an edge.
const CHAIN_SPEC = `workflow:
  name: ui-chain
  tasks:
    - name: first
      image: ubuntu:24.04
      command: ['sh', '-c']
      args: ['for i in 1 2 3 4 5 6 7 8; do echo "step $i"; sleep 1; done; echo done > {{output}}/first.txt']
    - name: second
      image: ubuntu:24.04
      command: ['sh', '-c']
      args: ['cat {{input:0}}/first.txt']
      inputs:
        - task: first
`;
const SLEEPY_SPEC = `workflow:
  name: ui-idle
  tasks:
    - name: idler
      image: ubuntu:24.04
      command: ['sh', '-c']
      args: ['echo idling; sleep 300']
`;
const LINES = 100_000;
const LOUD_SPEC = `workflow:
  name: ui-loud
  tasks:
    - name: loud
      image: ubuntu:24.04
      command: ['sh', '-c']
      args: ['seq -f "row %.0f" 1 ${LINES}']
`;

let service: ServiceProcess;
let browser: Browser;
let token: string;

before(async () => {
  [service, browser] = await Promise.all([startServiceProcess(), launchChromium()]);
  const login = await fetch(`${service.url}/api/auth/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: USER }),
  });
  token = ((await login.json()) as { token: string }).token;
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

async function submit(spec: string): Promise<string> {
  const res = await fetch(`${service.url}/api/pool/default/workflow`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ file: spec, set_variables: [] }),
  });
  const body = (await res.json()) as { name?: string };
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.ok(body.name);
  return body.name;
}

const SHOTS = join(REPO_ROOT, 'dist', 'screenshots');
async function shot(page: Page, name: string): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

async function openSignedIn(path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${service.url}${path}`);
  await page.getByRole('tab', { name: 'Dev mode' }).click();
  await page.getByLabel('Username').fill(USER);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in-user').waitFor();
  return page;
}

test('the graph follows a two-group workflow to COMPLETED as the service pushes changes', async () => {
  const id = await submit(CHAIN_SPEC);
  const page = await openSignedIn(`/workflows/${id}`);
  try {
    const polls: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === `/api/workflow/${id}`) polls.push(r.url());
    });
    await page.locator('.workflow-page[data-live="streaming"]').waitFor({ timeout: 20_000 });
    const graph = page.getByRole('tree', { name: 'Workflow graph' });
    // A one-task group is drawn as its task: found by the task's name.
    const node = (task: string) =>
      graph.locator('.dag-node', { has: page.locator('strong', { hasText: new RegExp(`^${task}$`) }) });
    const first = node('first');
    const second = node('second');
    await first.waitFor();
    await second.waitFor();
    // Top to bottom: the downstream group is drawn below its upstream one.
    const [a, b] = [await first.boundingBox(), await second.boundingBox()];
    assert.ok(a && b && b.y > a.y + a.height, `second (${b?.y}) below first (${a?.y})`);
    // The edge between them is drawn.
    const edge = graph.locator('.react-flow__edge-path').first();
    await edge.waitFor({ state: 'attached' });
    assert.match((await edge.getAttribute('d')) ?? '', /^M/);
    await first.and(page.locator('[data-status="RUNNING"]')).waitFor({ timeout: 20_000 });
    await shot(page, 'workflow-graph-running');
    await second.and(page.locator('[data-status="COMPLETED"]')).waitFor({ timeout: 30_000 });
    await page.locator('.workflow-header [data-status="COMPLETED"]').waitFor({ timeout: 20_000 });
    // Reads followed pushes: a handful for the whole run, not one every few seconds.
    assert.ok(polls.length > 0 && polls.length < 30, `${polls.length} reads`);
    // Once finished the page stops listening.
    await page.locator('.workflow-page[data-live="finished"]').waitFor();

    // Left to right: the downstream group is drawn right of its upstream one.
    await page.getByRole('button', { name: 'Lay out left to right' }).click();
    await page.getByRole('button', { name: 'Lay out top to bottom' }).waitFor();
    await second.waitFor();
    const [c, d] = [await first.boundingBox(), await second.boundingBox()];
    assert.ok(c && d && d.x > c.x + c.width, `second (${d?.x}) right of first (${c?.x})`);
    // Keyboard: a node is focusable and Enter opens it.
    await first.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('task') === 'first');
    await shot(page, 'workflow-graph');

    // The spec tab shows the stored spec in the YAML view.
    await page.goto(`${service.url}/workflows/${id}?wtab=spec`);
    const spec = page.getByLabel('Spec');
    await spec.locator('.cm-line').first().waitFor();
    await spec.getByText('name: ui-chain').waitFor();
    assert.equal(await spec.getAttribute('contenteditable'), 'false');
    await shot(page, 'workflow-spec');
  } finally {
    await page.context().close();
  }
});

test('an open page on a workflow that does nothing asks the service nothing', async () => {
  const id = await submit(SLEEPY_SPEC);
  const page = await openSignedIn(`/workflows/${id}`);
  try {
    await page.locator('.workflow-header [data-status="RUNNING"]').waitFor({ timeout: 30_000 });
    await page.locator('.workflow-page[data-live="streaming"]').waitFor({ timeout: 20_000 });
    // What moved as it started may still be arriving: wait until the task's status has settled too.
    await page.locator('tr[data-task="idler"] [data-status="RUNNING"]').waitFor({ timeout: 20_000 });
    const asked: string[] = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    // The polling this replaced asked every 3 to 15 seconds; the stream's heartbeat is no request at all.
    await page.waitForTimeout(20_000);
    assert.deepEqual(asked, [], 'an idle page made requests');
    // Cancelling is pushed to the page at once.
    const cancel = await fetch(`${service.url}/api/workflow/${id}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(cancel.status, 200, await cancel.text());
    await page.locator('.workflow-header [data-status="FAILED_CANCELED"]').waitFor({ timeout: 10_000 });
  } finally {
    await page.context().close();
  }
});

test('the shell tab opens a terminal in the running task: commands run there, the session outlives a tab switch', async () => {
  const id = await submit(SLEEPY_SPEC.replace('ui-idle', 'ui-shell'));
  const page = await openSignedIn(`/workflows/${id}?group=idler&task=idler&retry=0&tab=shell`);
  try {
    // Connectable once the task runs; the page learns of it from the change stream.
    await page.getByRole('button', { name: 'Connect' }).click({ timeout: 60_000 });
    const rows = page.getByTestId('shell-terminal').locator('.xterm-rows');
    await rows.waitFor();
    await page.getByTestId('shell-terminal').click();
    await page.keyboard.type('echo "sum-$((6*7))" in $(pwd)\n');
    await rows.getByText(/sum-42 in \//).waitFor({ timeout: 20_000 });
    // Looking at the logs and back finds the same session, its screen and its shell.
    await page.getByRole('tab', { name: 'Logs' }).click();
    await page.getByRole('tab', { name: 'Shell' }).click();
    await rows.getByText(/sum-42 in \//).waitFor();
    await page.getByTestId('shell-terminal').click();
    await page.keyboard.type('echo "again-$((1+1))"\n');
    await rows.getByText('again-2').waitFor({ timeout: 20_000 });
    // The terminal is fitted to the panel, not to a few columns.
    const screen = await page.getByTestId('shell-terminal').locator('.xterm-screen').boundingBox();
    assert.ok(screen && screen.width > 300, `terminal ${screen?.width} px wide`);
    await shot(page, 'task-shell');
    await page.keyboard.type('exit 3\n');
    await page.getByText('The shell exited with status 3.').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Reconnect' }).waitFor();
  } finally {
    await page.context().close();
    await fetch(`${service.url}/api/workflow/${id}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
  }
});

test('a log of 100,000 lines is drawn a screenful at a time and scrolls to any line', async () => {
  const id = await submit(LOUD_SPEC);
  const page = await openSignedIn(`/workflows/${id}?group=loud&task=loud&retry=0&tab=logs`);
  try {
    const log = page.getByRole('log');
    // Generous: 100,000 lines go through the task's log pipe, the store and the page on a shared machine.
    await page.locator('.workflow-header [data-status="COMPLETED"]').waitFor({ timeout: 180_000 });
    await log.getByText(new RegExp(` row ${LINES}$`)).waitFor({ timeout: 120_000 });
    await page
      .getByTestId('log-state')
      .getByText(/complete/)
      .waitFor({ timeout: 60_000 });
    const state = (await page.getByTestId('log-state').textContent()) ?? '';
    assert.match(state, new RegExp(`^${LINES} lines`));
    // Only the lines in view (and a few around them) are in the page.
    const drawn = await log.locator('.log-line').count();
    assert.ok(drawn > 10 && drawn < 200, `${drawn} lines drawn`);
    // Scrolling to the top shows the first lines, still with few drawn; a search narrows to one.
    const started = Date.now();
    await log.evaluate((el) => (el.scrollTop = 0));
    await log.getByText(/ row 2$/).waitFor();
    const scrolled = Date.now() - started;
    assert.ok(scrolled < 2000, `scrolling to the top took ${scrolled} ms`);
    assert.ok((await log.locator('.log-line').count()) < 200);
    await page.getByLabel('Search the log').fill('row 54321');
    await page
      .getByTestId('log-state')
      .getByText(new RegExp(`^1 of ${LINES} lines`))
      .waitFor();
    await log.getByText(/ row 54321$/).waitFor();
    await shot(page, 'workflow-log-100k');
  } finally {
    await page.context().close();
  }
});
