// The web UI in headless Chromium against the real service: sign-in, the CLI's Workflow Overview link with live
// task logs, the list's filters, and sign-out.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchChromium } from './browser.js';
import type { Browser, Page } from 'playwright-core';
import type { ServiceProcess } from './harness.js';
import { REPO_ROOT, loginAs, osmo, startServiceProcess, tempDir } from './harness.js';

const USER = 'ui-alice';
const TICKS = 6;
// A task that writes its log over a few seconds, so the page shows lines arriving while it runs.
const SLOW_SPEC = `workflow:
  name: ui-ticks
  tasks:
    - name: ticker
      image: ubuntu:24.04
      command: ['sh', '-c']
      args: ['for i in $(seq 1 ${TICKS}); do echo "tick $i"; sleep 0.4; done']
`;
const FAILING_SPEC = `workflow:
  name: ui-broken
  tasks:
    - name: breaker
      image: ubuntu:24.04
      command: ['sh', '-c']
      args: ['echo "about to fail"; exit 3']
`;

// Runs in the page; typed without the DOM library, which the Node tests do not load.
const STORED_SESSION = (): string | null =>
  (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem(
    'osmo.session',
  );

const SLEEPY_SPEC = `workflow:
  name: ui-sleepy
  tasks:
    - name: sleeper
      image: ubuntu:24.04
      command: ['sh', '-c']
      args: ['echo started; sleep 120']
`;

let service: ServiceProcess;
let browser: Browser;
let cli: string;

before(async () => {
  [service, browser] = await Promise.all([startServiceProcess(), launchChromium()]);
  cli = await loginAs(service.url, USER);
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

async function submit(spec: string): Promise<{ id: string; overview: string }> {
  const dir = await tempDir('ui-spec');
  const file = join(dir, 'spec.yaml');
  await writeFile(file, spec);
  const result = await osmo(cli, ['workflow', 'submit', file]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const id = /Workflow ID\s+-\s+(\S+)/.exec(result.stdout)?.[1];
  const overview = /Workflow Overview\s+-\s+(\S+)/.exec(result.stdout)?.[1];
  assert.ok(id && overview, result.stdout);
  return { id, overview };
}

/** Screenshots at 1280×800 for people to look at, under dist/ (never committed). */
const SHOTS = join(REPO_ROOT, 'dist', 'screenshots');
async function shot(page: Page, name: string): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

async function signInDev(page: Page, user: string): Promise<void> {
  await page.getByRole('tab', { name: 'Dev mode' }).click();
  await page.getByLabel('Username').fill(user);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in-user').waitFor();
}

test('the Workflow Overview link the CLI prints opens the workflow, its tasks and their live logs', async () => {
  const { id, overview } = await submit(SLOW_SPEC);
  assert.equal(overview, `${service.url}/workflows/${id}`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  try {
    await page.goto(overview);
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
    await shot(page, 'sign-in');
    // Not signed in yet: the sign-in form, then the same address once signed in.
    await signInDev(page, USER);
    assert.equal(page.url(), overview);
    await page.getByRole('heading', { name: id }).waitFor();
    await page.locator('.dag-node[data-group]').first().waitFor();
    const row = page.locator('tr[data-task="ticker"]');
    await row.waitFor();

    // The task's deep link opens its live log.
    await page.goto(`${overview}?group=ticker&task=ticker&retry=0&tab=logs`);
    const log = page.getByRole('log');
    // Lines read `<date> <time> [ticker] tick 1`.
    await log.getByText(/ tick 1$/).waitFor({ timeout: 20_000 });
    const early = (await page.getByTestId('log-state').textContent()) ?? '';
    await log.getByText(new RegExp(` tick ${TICKS}$`)).waitFor({ timeout: 20_000 });
    // Lines came in while the task ran: the view was live before it was complete.
    assert.match(early, /live/);
    await page
      .getByTestId('log-state')
      .getByText(/complete/)
      .waitFor({ timeout: 20_000 });

    // Search narrows the lines.
    await page.getByLabel('Search the log').fill('tick 3');
    await page
      .getByTestId('log-state')
      .getByText(/^1 of \d+ lines/)
      .waitFor();

    // The status colours follow the workflow to its end without a reload.
    await page.locator('.workflow-header [data-status="COMPLETED"]').waitFor({ timeout: 20_000 });
    await page.locator(`.dag-node[data-status="COMPLETED"]`).waitFor();
    await page.getByRole('tab', { name: 'Overview' }).click();
    assert.equal(await page.getByTestId('exit-code').textContent(), '0');
    await shot(page, 'workflow-task');
    await page.goto(overview);
    await page.getByRole('heading', { name: id }).waitFor();
    await shot(page, 'workflow-detail');
    // No token ever travels in the address.
    assert.doesNotMatch(page.url(), /token/i);
  } finally {
    await context.close();
  }
});

test('a failed task shows its exit code; the list filters by name and status on the server', async () => {
  const broken = await submit(FAILING_SPEC);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  try {
    await page.goto(`${broken.overview}?task=breaker`);
    await signInDev(page, USER);
    await page.locator('.workflow-header [data-status^="FAILED"]').waitFor({ timeout: 20_000 });
    await page.getByRole('alert').getByText('Exit code 3', { exact: true }).waitFor();

    await page.goto(`${service.url}/workflows`);
    const rows = page.locator('table[aria-label="Workflows"] tbody tr');
    const ticks = page.locator('tr[data-workflow^="ui-ticks-"]');
    await page.locator(`tr[data-workflow="${broken.id}"]`).waitFor();
    await ticks.first().waitFor();
    // The default scope is the signed-in user's own work, shown as a chip.
    await page.locator(`[data-chip="user:${USER}"]`).waitFor();

    const filter = page.getByLabel('Add a filter');
    await filter.fill('name:ui-ticks');
    await filter.press('Enter');
    await page.waitForURL(/f=name%3Aui-ticks/);
    await page.locator(`tr[data-workflow="${broken.id}"]`).waitFor({ state: 'detached' });
    // The filtered page has loaded once its rows are back.
    await ticks.first().waitFor();
    for (const name of await rows.locator('td:nth-child(2)').allTextContents())
      assert.match(name, /^ui-ticks-/);

    // The Failed preset: the ticking workflow completed, so nothing matches both chips.
    await page.getByRole('button', { name: 'Failed' }).click();
    await page.getByText('No workflows match these filters.').waitFor();
    await page.locator('[data-chip="name:ui-ticks"] button').click();
    await page.locator(`tr[data-workflow="${broken.id}"]`).waitFor();
    assert.match(page.url(), /f=status%3Afailed/);
    await shot(page, 'workflow-list');
    for (const [path, heading] of [
      ['/', 'Dashboard'],
      ['/pools', 'Pools'],
      ['/resources', 'Resources'],
      ['/profile', 'Profile'],
    ] as const) {
      await page.goto(`${service.url}${path}`);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page.waitForLoadState('networkidle');
      await shot(page, heading.toLowerCase());
    }
  } finally {
    await context.close();
  }
});

test('the submit overlay dry-runs and submits a spec; the page cancels the running workflow', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  try {
    await page.goto(`${service.url}/`);
    await signInDev(page, USER);
    await page.getByRole('button', { name: 'Submit workflow' }).click();
    const dialog = page.getByRole('dialog', { name: 'Submit workflow' });
    // The YAML editor (CodeMirror) arrives as its own chunk: type into it once it is there.
    await dialog.locator('.cm-editor').waitFor();
    await dialog.getByLabel('Workflow spec').fill(SLEEPY_SPEC);
    await dialog.getByRole('button', { name: 'Dry run' }).click();
    await dialog
      .locator('.verdict')
      .getByText(/name: ui-sleepy/)
      .waitFor();
    await shot(page, 'submit-overlay');
    await dialog.getByRole('button', { name: 'Submit', exact: true }).click();
    await page.waitForURL(/\/workflows\/ui-sleepy-\d+$/);
    await page.locator('.workflow-header [data-status="RUNNING"]').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Cancel workflow' }).click();
    await page
      .getByRole('dialog', { name: 'Cancel workflow' })
      .getByLabel('Reason (optional)')
      .fill('from the UI');
    await page.getByRole('button', { name: 'Confirm cancel' }).click();
    await page.locator('.workflow-header [data-status="FAILED_CANCELED"]').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Restart' }).waitFor();
  } finally {
    await context.close();
  }
});

test('sign-out revokes the session and a reload stays signed out', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${service.url}/`);
    await signInDev(page, USER);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const secret = await page.evaluate(STORED_SESSION);
    assert.ok(secret !== null && secret.length > 20);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
    assert.equal(await page.evaluate(STORED_SESSION), null);
    await page.reload();
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
    // The service no longer exchanges the old session secret for access tokens.
    const refreshed = await fetch(`${service.url}/api/auth/jwt/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: secret }),
    });
    assert.equal(refreshed.status, 400);

    // A wrong password is refused with the service's message.
    await page.getByRole('tab', { name: 'Password' }).click();
    await page.getByLabel('Username').fill(USER);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
  } finally {
    await context.close();
  }
});
