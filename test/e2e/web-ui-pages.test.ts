// The web UI's other pages in headless Chromium against the real service: apps, datasets and a workflow's outputs,
// resubmit with an edited spec, occupancy, the log viewer, admin pages (and their absence for non-admins),
// device-code sign-in and credentials on the profile page.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchChromium } from './browser.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ServiceProcess } from './harness.js';
import { REPO_ROOT, apiCall, loginAs, osmo, startServiceProcess, tempDir } from './harness.js';

const ADMIN = 'ui-root';
const USER = 'ui-bob';

const GREETER = (marker: string): string => `workflow:
  name: ui-greet
  tasks:
    - name: hello
      image: ubuntu:24.04
      command: ['sh', '-c', 'echo "${marker} {{who}}"']
default-values:
  who: world
`;
const PRODUCER = `workflow:
  name: ui-producer
  tasks:
    - name: maker
      image: ubuntu:24.04
      command: ['sh', '-c']
      args: ['mkdir -p {{output}}/data/sub && echo one > {{output}}/data/a.txt && echo two > {{output}}/data/sub/b.txt']
      outputs:
        - dataset:
            name: ui-set
            path: data
`;
const SLEEPER = `workflow:
  name: ui-occupant
  tasks:
    - name: sleeper
      image: ubuntu:24.04
      command: ['sh', '-c', 'sleep 120']
`;

let service: ServiceProcess;
let browser: Browser;
let work: string;
const cli: Record<string, string> = {};

before(async () => {
  [service, browser] = await Promise.all([
    startServiceProcess({ args: ['--admin', ADMIN] }),
    launchChromium(),
  ]);
  work = await tempDir('ui-pages');
  cli[ADMIN] = await loginAs(service.url, ADMIN);
  cli[USER] = await loginAs(service.url, USER);
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

async function ok(user: string, args: readonly string[]): Promise<string> {
  const result = await osmo(cli[user] ?? '', args);
  assert.equal(result.code, 0, `osmo ${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return result.stdout;
}

async function specFile(name: string, text: string): Promise<string> {
  const file = join(work, `${name}.yaml`);
  await writeFile(file, text);
  return file;
}

async function submit(user: string, spec: string): Promise<string> {
  const out = await ok(user, ['workflow', 'submit', await specFile('submit', spec)]);
  const id = /Workflow ID\s+-\s+(\S+)/.exec(out)?.[1];
  assert.ok(id, out);
  return id;
}

const SHOTS = join(REPO_ROOT, 'dist', 'screenshots');
async function shot(page: Page, name: string): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** A fresh browser profile signed in (dev mode) as `user`, at `path`. */
async function signedIn(user: string, path: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${service.url}${path}`);
  await page.getByRole('tab', { name: 'Dev mode' }).click();
  await page.getByLabel('Username').fill(user);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in-user').waitFor();
  return { context, page };
}

const finished = (page: Page, status = 'COMPLETED') =>
  page.locator(`.workflow-header [data-status="${status}"]`).waitFor({ timeout: 30_000 });

test('apps: the list, an app’s versions and spec, and a submit with values whose log the log viewer shows', async () => {
  await ok(ADMIN, [
    'app',
    'create',
    'ui-greeter',
    '-d',
    'Greets someone',
    '-f',
    await specFile('g1', GREETER('v1')),
  ]);
  await ok(ADMIN, ['app', 'update', 'ui-greeter', '-f', await specFile('g2', GREETER('hello'))]);
  const { context, page } = await signedIn(USER, '/apps');
  try {
    // Someone else's app: not among "my apps", listed under all apps.
    await page.getByText('No apps of yours here.', { exact: false }).waitFor();
    await page.getByRole('link', { name: 'All apps' }).click();
    await page.locator('tr[data-app="ui-greeter"]').getByRole('link', { name: 'ui-greeter' }).click();
    await page.waitForURL(/\/apps\/ui-greeter$/);
    await page.locator('tr[data-version="2"]').waitFor();
    assert.equal(await page.locator('table[aria-label="Versions"] tbody tr').count(), 2);
    await shot(page, 'app-detail');
    await page.locator('tr[data-version="1"]').getByRole('link', { name: 'Spec' }).click();
    await page
      .getByLabel('App spec')
      .getByText(/echo "v1 \{\{who\}\}"/)
      .waitFor();

    await page.getByRole('tab', { name: 'Submit' }).click();
    await page.getByLabel('Version').selectOption('2');
    await page.getByText('who=world').waitFor();
    await page.getByLabel('Set values').fill('who=browser');
    await page.getByRole('button', { name: 'Submit ui-greeter:2' }).click();
    await page.waitForURL(/\/workflows\/ui-greet-\d+$/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    await finished(page);
    await page.locator('.details').getByText('ui-greeter', { exact: true }).waitFor();

    // The stand-alone log viewer: the workflow, its search in the URL, and a recent-workflows list.
    await page.goto(`${service.url}/log-viewer?workflow=${id}&f=browser`);
    await page
      .getByRole('log')
      .getByText(/hello browser$/)
      .waitFor({ timeout: 20_000 });
    await page
      .getByTestId('log-state')
      .getByText(/^1 of \d+ lines/)
      .waitFor();
    await page.getByLabel('Search the log').fill('');
    await page.waitForURL((u) => !u.searchParams.has('f'));
    await page.getByLabel('Task').selectOption('hello');
    await page.waitForURL(/task=hello/);
    await page
      .getByRole('log')
      .getByText(/hello browser$/)
      .waitFor();
    await shot(page, 'log-viewer');
    await page.goto(`${service.url}/log-viewer`);
    await page.getByRole('list', { name: 'Recently viewed' }).getByRole('link', { name: id }).waitFor();
  } finally {
    await context.close();
  }
});

test('a dataset output links from the workflow to the dataset’s versions, tags and files; resubmit an edited spec', async () => {
  const id = await submit(USER, PRODUCER);
  const { context, page } = await signedIn(USER, `/workflows/${id}`);
  try {
    await finished(page);
    const outputs = page.getByRole('table', { name: 'Outputs' });
    await outputs.waitFor();
    await shot(page, 'workflow-outputs');
    await outputs.getByRole('link', { name: 'ui-set' }).click();
    await page.waitForURL(/\/datasets\/osmo\/ui-set$/);
    await page.locator('tr[data-version="1"] [data-tag="latest"]').waitFor();
    await page.locator('tr[data-file="a.txt"]').waitFor();
    await page.locator('tr[data-file="sub/b.txt"]').waitFor();
    await page.getByText('2 files, 8 B').waitFor();
    await page.goto(`${service.url}/datasets`);
    await page.locator('tr[data-dataset="ui-set"]').waitFor();
    await shot(page, 'datasets');

    // Resubmit: untouched, the stored spec by reference; edited, the new text makes a second version.
    await page.goto(`${service.url}/workflows/${id}`);
    await page.getByRole('button', { name: 'Resubmit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Resubmit workflow' });
    await dialog.getByText('Unchanged: the stored spec is resubmitted.').waitFor();
    const editor = dialog.getByLabel('Workflow spec');
    await editor.fill((await editor.inputValue()).replace('echo two', 'echo three'));
    await dialog.getByText('Edited: the new text is submitted.').waitFor();
    await dialog.getByRole('button', { name: 'Resubmit' }).click();
    await page.waitForURL(
      (u) => /\/workflows\/ui-producer-\d+$/.test(u.pathname) && !u.pathname.endsWith(id),
    );
    await finished(page);
    await page.goto(`${page.url()}?wtab=spec`);
    await page
      .getByLabel('Spec')
      .getByText(/echo three/)
      .waitFor();
    await page.goto(`${service.url}/datasets/osmo/ui-set?version=1`);
    await page.locator('tr[data-version="2"] [data-tag="latest"]').waitFor();
    // Version 1 stays chosen by the link, with its own files.
    await page.getByText('Files of version 1').waitFor();
    await page.getByText('2 files, 8 B').waitFor();
    await page.locator('tr[data-version="2"]').getByRole('button', { name: '2' }).click();
    await page.getByText('2 files, 10 B').waitFor();
  } finally {
    await context.close();
  }
});

test('occupancy shows a running task’s user under its pool, and by user', async () => {
  const id = await submit(USER, SLEEPER);
  const { context, page } = await signedIn(USER, `/workflows/${id}`);
  try {
    await finished(page, 'RUNNING');
    await page.goto(`${service.url}/occupancy`);
    const pool = page.locator('tr[data-occupancy]').first();
    await pool.waitFor();
    const poolName = (await pool.getAttribute('data-occupancy')) ?? '';
    await pool.getByRole('button').click();
    await page.locator(`tr[data-occupancy-child="${poolName}/${USER}"]`).waitFor();
    await shot(page, 'occupancy');
    await page.getByRole('link', { name: 'By user' }).click();
    await page.locator(`tr[data-occupancy="${USER}"]`).waitFor();
    await page.getByRole('link', { name: 'Queued', exact: true }).click();
    await page.getByText('Nothing is queued.').waitFor();
  } finally {
    await context.close();
    await ok(USER, ['workflow', 'cancel', id]);
  }
});

test('admins manage users and see roles; a non-admin sees no admin pages and the API refuses them', async () => {
  const admin = await signedIn(ADMIN, '/');
  try {
    const page = admin.page;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.locator(`tr[data-user="${USER}"]`).waitFor();
    await shot(page, 'admin-users');
    const form = page.getByRole('form', { name: 'New user' });
    await form.getByLabel('User id').fill('ui-carol');
    await form.getByRole('button', { name: 'Create user' }).click();
    await form.getByRole('status').getByText('Created ui-carol.').waitFor();
    await page.locator('tr[data-user="ui-carol"]').getByRole('link').click();
    await page.locator('tr[data-role="osmo-user"]').waitFor();
    await page.getByLabel('Role to add').fill('osmo-admin');
    await page.getByRole('button', { name: 'Add role' }).click();
    await page.locator('tr[data-role="osmo-admin"]').waitFor();
    await page.getByRole('button', { name: 'Remove role osmo-admin' }).click();
    await page.locator('tr[data-role="osmo-admin"]').waitFor({ state: 'detached' });
    await shot(page, 'admin-user');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Roles' }).click();
    await page.getByRole('heading', { name: 'Roles', exact: true }).waitFor();
    await page.waitForLoadState('networkidle');
    assert.equal(await page.locator('.error').count(), 0);
  } finally {
    await admin.context.close();
  }

  const user = await signedIn(USER, '/');
  try {
    const page = user.page;
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Apps' }).waitFor();
    for (const name of ['Users', 'Roles', 'Log viewer'])
      assert.equal(await nav.getByRole('link', { name }).count(), 0, `${name} in a non-admin's menu`);
    await page.goto(`${service.url}/admin/users`);
    await page.getByRole('heading', { name: 'Administrators only' }).waitFor();
    assert.equal(await page.locator('table[aria-label="Users"]').count(), 0);
  } finally {
    await user.context.close();
  }
  const login = await apiCall(service.url, 'POST', '/api/auth/dev/login', null, { username: USER });
  const token = (JSON.parse(login.text) as { token: string }).token;
  for (const path of ['/api/auth/user', '/api/configs/role', `/api/auth/user/${ADMIN}`])
    assert.equal((await apiCall(service.url, 'GET', path, token)).status, 403, path);
});

test('device-code sign-in in the browser; credentials added and deleted on the profile, values never shown', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  try {
    await page.goto(`${service.url}/profile`);
    await page.getByRole('tab', { name: 'Device code' }).click();
    await page.getByRole('button', { name: 'Get a code' }).click();
    const code = (await page.getByTestId('user-code').textContent()) ?? '';
    assert.match(code, /\S{4,}/);
    const approval = await context.newPage();
    await approval.goto((await page.getByRole('link', { name: 'approval page' }).getAttribute('href')) ?? '');
    // Dev mode approves a username with an empty password.
    await approval.fill('#username', 'ui-dave');
    await approval.click('#approve');
    await approval.locator('#done').waitFor();
    await approval.close();
    await page.getByTestId('signed-in-user').getByText('ui-dave').waitFor({ timeout: 15_000 });
    await page.getByRole('heading', { name: 'Profile', exact: true }).waitFor();

    const form = page.getByRole('form', { name: 'New credential' });
    await form.getByLabel('Credential name').fill('ui-secret');
    await form.getByLabel('Credential values').fill('token=hunter2-value');
    await form.getByRole('button', { name: 'Save credential' }).click();
    const row = page.locator('tr[data-credential="ui-secret"]');
    await row.waitFor();
    assert.equal(await row.locator('td').nth(1).textContent(), 'GENERIC');
    assert.doesNotMatch((await page.content()).replace(/value="[^"]*"/g, ''), /hunter2-value/);
    await shot(page, 'profile-credentials');
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
  } finally {
    await context.close();
  }
});
