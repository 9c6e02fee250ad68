// End to end: `osmo login --method code` in a pseudo-terminal, approved in headless Chromium; password login throttling.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import type { ServiceProcess } from './harness.js';
import { OSMO_BIN, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

const ADMIN = 'root-admin';
const ADMIN_PASSWORD = 'correct horse battery staple';
let service: ServiceProcess;
let userData: string;
let cli: string;

before(async () => {
  service = await startServiceProcess({
    env: { OSMO_DEFAULT_ADMIN_USERNAME: ADMIN, OSMO_DEFAULT_ADMIN_PASSWORD: ADMIN_PASSWORD },
  });
  userData = await tempDir('chromium');
  cli = await tempDir('cli-device');
});

after(async () => {
  await service.stop();
  for (const dir of [service.dataDir, userData, cli]) await removeDir(dir);
});

/** Runs `osmo <args>` inside a pseudo-terminal (util-linux `script`), exposing what it prints so far. */
function inTerminal(configDir: string, args: readonly string[]) {
  const command = [process.execPath, OSMO_BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { ...process.env, OSMO_CONFIG_FILE_DIR: configDir, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  return {
    output: () => output,
    exited,
    async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = pattern.exec(output);
        if (m) return m;
        if (Date.now() > deadline) throw new Error(`no ${String(pattern)} in: ${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

test('device-code login: the CLI prints a URL, the user approves in the browser, the CLI is logged in', async () => {
  const term = inTerminal(cli, ['login', service.url, '--method', 'code']);
  const [, url] = await term.waitFor(/Visit (\S+) and complete authentication\./);
  assert.ok(url?.startsWith(`${service.url}/api/auth/device?user_code=`), url);
  // A fresh profile directory: playwright passes it as --user-data-dir.
  const browser = await chromium.launchPersistentContext(userData, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage();
    await page.goto(url ?? '');
    // A wrong password keeps the code pending and says so.
    await page.fill('#username', ADMIN);
    await page.fill('#password', 'not the password');
    await page.click('#approve');
    assert.match((await page.textContent('#message')) ?? '', /Invalid username or password/);
    await page.fill('#username', ADMIN);
    await page.fill('#password', ADMIN_PASSWORD);
    await page.click('#approve');
    assert.match((await page.textContent('#done')) ?? '', new RegExp(`Signed in as ${ADMIN}`));
  } finally {
    await browser.close();
  }
  assert.equal(await term.exited, 0, term.output());
  assert.match(term.output(), new RegExp(`Successfully logged in\\. Welcome ${ADMIN}\\.`));
  // The stored login works for an admin-only command, through the refresh token when needed.
  const users = await osmo(cli, ['user', 'get', ADMIN]);
  assert.equal(users.code, 0, users.stdout + users.stderr);
  assert.match(users.stdout, /- osmo-admin \(assigned by osmo/);
});

test('a used or unknown code cannot be approved again', async () => {
  const page = await fetch(`${service.url}/api/auth/device`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user_code: 'BCDF-GHJK', username: ADMIN, password: ADMIN_PASSWORD }),
  });
  assert.equal(page.status, 400);
  assert.match(await page.text(), /unknown, expired or already used/);
});

test('password logins: repeated failures lock the user out, even for the right password', async () => {
  const create = await osmo(cli, ['user', 'create', 'carol', '--roles', 'osmo-user']);
  assert.equal(create.code, 0, create.stdout + create.stderr);
  const token = async (password: string): Promise<number> =>
    (
      await fetch(`${service.url}/api/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password', username: ADMIN, password }),
      })
    ).status;
  const statuses: number[] = [];
  for (let i = 0; i < 6; i += 1) statuses.push(await token(`wrong-${i}`));
  // The approval's success cleared the earlier failure: five free failures, then locked.
  assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
  assert.equal(await token(ADMIN_PASSWORD), 429);
  const cliLogin = await osmo(await tempDir('cli-pw'), [
    'login',
    service.url,
    '--method',
    'password',
    '--username',
    ADMIN,
    '--password',
    ADMIN_PASSWORD,
  ]);
  assert.equal(cliLogin.code, 10, cliLogin.stdout);
  assert.match(cliLogin.stdout, /Too many failed login attempts/);
});
