// Notifications when a workflow ends or waits too long, through the real `osmo` and service: signed
// webhooks to a local HTTP receiver, a Slack-format webhook, email to a local SMTP server, retries
// with backoff, a dead receiver that holds nobody up, and a pending notification kept across a crash.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import type { ServiceProcess } from './harness.js';
import { eventually, loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';
import { NO_GPU_QUOTA_CONFIG, WAITING_SPEC } from './pending-workflows.js';

const WEBHOOK_SECRET = 'webhook-signing-key-0123456789';
const SMTP_USER = 'mailer';
const SMTP_PASSWORD = 'smtp-password-not-logged';

interface Received {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

interface Mail {
  readonly from: string;
  readonly to: string[];
  readonly raw: string;
}

const received: Received[] = [];
const mails: Mail[] = [];
const hanging: ServerResponse[] = [];
// The flaky receiver answers 500 to the first two tries of each delivery, then 200.
const FLAKY_FAILURES = 2;
const flakyTries = new Map<string, number>();
let refuseAll = false;

const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    const path = req.url ?? '';
    received.push({ path, headers: req.headers, body });
    if (path === '/hooks/dead') {
      hanging.push(res); // Never answered: the service's deadline must end it.
      return;
    }
    const delivery = String(req.headers['x-osmo-delivery']);
    const tries = (flakyTries.get(delivery) ?? 0) + 1;
    if (path === '/hooks/flaky') flakyTries.set(delivery, tries);
    if ((path === '/hooks/flaky' && tries <= FLAKY_FAILURES) || (refuseAll && path === '/hooks/kim')) {
      res.writeHead(500).end('try later');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
});

const smtp = new SMTPServer({
  disabledCommands: ['STARTTLS'],
  allowInsecureAuth: true,
  authMethods: ['PLAIN', 'LOGIN'],
  logger: false,
  onAuth(auth, _session, callback) {
    if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) callback(null, { user: SMTP_USER });
    else callback(new Error('Invalid username or password'));
  },
  onData(stream, session, callback) {
    let raw = '';
    stream.on('data', (d: Buffer) => (raw += d.toString()));
    stream.on('end', () => {
      mails.push({
        from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
        to: session.envelope.rcptTo.map((r) => r.address),
        // Soft line breaks of quoted-printable joined, whatever encoding the sender chose.
        raw: raw.replace(/=\r\n/g, ''),
      });
      callback();
    });
  },
});

let service: ServiceProcess;
let hooks: string;
let work: string;
let ann: string;
const configDirs: string[] = [];

async function listen(server: Server | SMTPServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // An SMTPServer keeps its net.Server in `server`.
  const net = server instanceof SMTPServer ? (server as unknown as { server: Server }).server : server;
  return (net.address() as AddressInfo).port;
}

async function user(name: string): Promise<string> {
  const dir = await loginAs(service.url, name);
  configDirs.push(dir);
  return dir;
}

function ok(r: { code: number; stdout: string; stderr: string }): string {
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return r.stdout;
}

async function submit(who: string, name: string, command: string): Promise<string> {
  const file = join(work, `${name}.yaml`);
  await writeFile(
    file,
    `workflow:\n  name: ${name}\n  resources:\n    default:\n      cpu: 1\n      memory: 64Mi\n` +
      `  tasks:\n    - name: t\n      image: ubuntu\n      command: [sh, -c, ${JSON.stringify(command)}]\n`,
  );
  const out = ok(await osmo(who, ['workflow', 'submit', file]));
  const id = /Workflow ID\s+-\s+(\S+)/.exec(out)?.[1];
  assert.ok(id, out);
  return id;
}

async function statusOf(who: string, id: string): Promise<string> {
  return (JSON.parse(ok(await osmo(who, ['workflow', 'query', id, '-t', 'json']))) as { status: string })
    .status;
}

interface WebhookBody {
  event: string;
  delivery_id: string;
  workflow_id: string;
  status: string;
  user: string;
  url: string;
  failure_message: string | null;
}

/** The requests on `path` whose JSON names workflow `id` (and is of `event`, when given). */
function requestsFor(path: string, id: string, event?: string): Received[] {
  return received.filter(
    (r) =>
      r.path === path &&
      r.body.includes(`"${id}`) &&
      (event === undefined || (JSON.parse(r.body) as WebhookBody).event === event),
  );
}

// Under load a workflow may wait past the 2 s threshold too: each check names the event it expects.
function webhookFor(
  path: string,
  id: string,
  event = 'workflow.completed',
): Promise<{ request: Received; body: WebhookBody }> {
  return eventually(() => {
    const request = requestsFor(path, id, event).at(-1);
    return Promise.resolve(request ? { request, body: JSON.parse(request.body) as WebhookBody } : null);
  }, 60_000);
}

/** Checked as any receiver would, with the key the admin shared: over `<timestamp>.<raw body>`. */
function assertSigned(request: Received): void {
  const timestamp = String(request.headers['x-osmo-timestamp']);
  assert.match(timestamp, /^\d+$/);
  const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${request.body}`).digest('hex')}`;
  assert.equal(request.headers['x-osmo-signature'], expected);
  assert.ok(Math.abs(Date.now() / 1000 - Number(timestamp)) < 600, 'a fresh timestamp');
}

before(async () => {
  const receiverPort = await listen(receiver);
  const smtpPort = await listen(smtp);
  hooks = `http://127.0.0.1:${receiverPort}`;
  work = await tempDir('notify');
  const configFile = join(work, 'config.yaml');
  await writeFile(configFile, JSON.stringify(NO_GPU_QUOTA_CONFIG));
  service = await startServiceProcess({
    args: ['--config', configFile, '--log-level', 'info'],
    env: {
      OSMO_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      OSMO_SMTP_FROM: 'osmo@notify.test',
      OSMO_SMTP_USERNAME: SMTP_USER,
      OSMO_SMTP_PASSWORD: SMTP_PASSWORD,
      OSMO_SLACK_WEBHOOK_URL: `${hooks}/slack/T000/B000/slack-token-in-path`,
      OSMO_WEBHOOK_SECRET: WEBHOOK_SECRET,
      OSMO_WEBHOOK_URL_PREFIXES: `${hooks}/hooks/`,
      OSMO_NOTIFY_PENDING_AFTER: '2s',
    },
  });
  watchLog(service);
  ann = await user('ann@example.com');
});

let serviceLog = '';
/** Keeps what the service logs (info and up: every delivery is logged), to look for secrets in it. */
function watchLog(svc: ServiceProcess): void {
  svc.process.stdout?.on('data', (d: Buffer) => (serviceLog += d.toString()));
  svc.process.stderr?.on('data', (d: Buffer) => (serviceLog += d.toString()));
}

after(async () => {
  for (const res of hanging) res.destroy();
  await service.stop();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  await new Promise((resolve) => smtp.close(() => resolve(undefined)));
  for (const d of [...configDirs, work, service.dataDir]) await removeDir(d);
});

test('notification settings are set with osmo profile set notifications and shown by osmo profile list', async () => {
  assert.equal(ok(await osmo(ann, ['profile', 'set', 'notifications', 'email'])), 'Profile Set\n');
  ok(await osmo(ann, ['profile', 'set', 'notifications', 'slack', 'true']));
  ok(await osmo(ann, ['profile', 'set', 'notifications', 'webhook', `${hooks}/hooks/ann?token=s3cret`]));
  const text = ok(await osmo(ann, ['profile', 'list']));
  assert.match(
    text,
    /notifications:\n {2}email: True\n {2}slack: True\n {2}webhook: http:\/\/127\.0\.0\.1:\d+\/\.\.\.\n/,
  );
  assert.doesNotMatch(text, /s3cret/, 'the path of a webhook URL may be its secret');
  const json = JSON.parse(ok(await osmo(ann, ['profile', 'list', '-t', 'json']))) as {
    profile: { email_notification: boolean; slack_notification: boolean; webhook_url: string | null };
  };
  assert.deepEqual(
    [json.profile.email_notification, json.profile.slack_notification, json.profile.webhook_url],
    [true, true, `${hooks}/...`],
  );

  // The service calls these URLs from inside the network: only the admin's prefixes are accepted.
  for (const url of ['http://169.254.169.254/latest/meta-data', `${hooks}/other`, 'file:///etc/passwd']) {
    const refused = await osmo(ann, ['profile', 'set', 'notifications', 'webhook', url]);
    assert.notEqual(refused.code, 0, url);
    assert.match(refused.stdout + refused.stderr, /webhook URL must|not a URL/, url);
  }
  const bob = await user('bob');
  assert.equal(
    ok(await osmo(bob, ['profile', 'set', 'notifications', 'webhook', `${hooks}/hooks/bob`])),
    'Profile Set\n',
  );
  assert.equal(
    ok(await osmo(bob, ['profile', 'set', 'notifications', 'webhook', 'false'])),
    'Disabling webhook notifications\nProfile Set\n',
  );
  assert.doesNotMatch(ok(await osmo(bob, ['profile', 'list'])), /webhook:/);
  const missing = await osmo(bob, ['profile', 'set', 'notifications', 'webhook']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stdout + missing.stderr, /Give the webhook URL/);
});

test('a workflow that completes and one that fails are told by signed webhook, Slack and email', async () => {
  const done = await submit(ann, 'notify-done', 'true');
  const failed = await submit(ann, 'notify-fail', 'echo broken; exit 3');

  const hook = await webhookFor('/hooks/ann?token=s3cret', done);
  assertSigned(hook.request);
  assert.equal(hook.request.headers['x-osmo-delivery'], hook.body.delivery_id);
  assert.equal(hook.request.headers['content-type'], 'application/json');
  assert.deepEqual(
    [hook.body.event, hook.body.status, hook.body.workflow_id, hook.body.user, hook.body.url],
    ['workflow.completed', 'COMPLETED', done, 'ann@example.com', `${service.url}/workflows/${done}`],
  );
  const bad = await webhookFor('/hooks/ann?token=s3cret', failed, 'workflow.failed');
  assertSigned(bad.request);
  assert.equal(bad.body.event, 'workflow.failed');
  assert.equal(bad.body.status, 'FAILED');
  assert.equal(await statusOf(ann, failed), 'FAILED');

  // The Slack format: one `text`, a link to the workflow's page.
  const slackText = async (id: string, status: string): Promise<string> =>
    eventually(() => {
      const r = received.find(
        (x) => x.path.startsWith('/slack/') && x.body.includes(`Workflow ${id} ${status}`),
      );
      return Promise.resolve(r ? (JSON.parse(r.body) as { text: string }).text : null);
    }, 60_000);
  assert.equal(
    await slackText(done, 'COMPLETED'),
    `<${service.url}/workflows/${done}|Workflow ${done} COMPLETED> (user ann@example.com, pool default)`,
  );
  assert.match(
    await slackText(failed, 'FAILED'),
    new RegExp(`^<\\S+\\|Workflow ${failed} FAILED> \\(user ann@example.com`),
  );

  const mailFor = (id: string, status: string): Promise<Mail> =>
    eventually(
      () => Promise.resolve(mails.find((m) => m.raw.includes(`Workflow ${id} ${status}`)) ?? null),
      60_000,
    ).catch((err: unknown) => {
      // What the service said of its email deliveries tells why none came.
      const lines = serviceLog.split('\n').filter((l) => l.includes('"channel":"email"'));
      throw new Error(`${String(err)}: ${lines.join('\n')}`);
    });
  const doneMail = await mailFor(done, 'COMPLETED');
  assert.equal(doneMail.from, 'osmo@notify.test');
  assert.deepEqual(doneMail.to, ['ann@example.com']);
  assert.match(doneMail.raw, new RegExp(`^Subject: \\[osmo\\] Workflow ${done} COMPLETED\\r$`, 'm'));
  assert.match(doneMail.raw, new RegExp(`Details: ${service.url.replace(/[.]/g, '\\.')}/workflows/${done}`));
  const failMail = await mailFor(failed, 'FAILED');
  assert.match(failMail.raw, new RegExp(`^Subject: \\[osmo\\] Workflow ${failed} FAILED\\r$`, 'm'));
  assert.match(failMail.raw, /^Status: FAILED\r$/m);

  // Each channel told each end once.
  assert.equal(requestsFor('/hooks/ann?token=s3cret', done, 'workflow.completed').length, 1);
  assert.equal(mails.filter((m) => m.raw.includes(`Workflow ${done} COMPLETED`)).length, 1);
});

test('a receiver that fails twice and then answers gets the notification once, after backoff', async () => {
  const ben = await user('ben');
  ok(await osmo(ben, ['profile', 'set', 'notifications', 'webhook', `${hooks}/hooks/flaky`]));
  const id = await submit(ben, 'notify-flaky', 'true');
  await eventually(
    () => Promise.resolve(requestsFor('/hooks/flaky', id, 'workflow.completed').length >= 3 ? true : null),
    60_000,
  );
  const tries = requestsFor('/hooks/flaky', id, 'workflow.completed');
  // One delivery, the same id each time; the waits grow (1 s, then 2 s, give or take the jitter).
  assert.equal(new Set(tries.map((t) => t.headers['x-osmo-delivery'])).size, 1);
  const times = tries.map((t) => Number(t.headers['x-osmo-timestamp']));
  assert.ok((times[1] ?? 0) - (times[0] ?? 0) >= 1, JSON.stringify(times));
  assert.ok((times[2] ?? 0) - (times[1] ?? 0) >= 2, JSON.stringify(times));
  for (const t of tries) assertSigned(t);
  // Answered at the third try: no fourth comes (it would, after 4 s or more, had it been taken as failed).
  await new Promise((r) => setTimeout(r, 6_000));
  assert.equal(requestsFor('/hooks/flaky', id, 'workflow.completed').length, 3);
});

test('a receiver that never answers holds up neither its workflow nor the next notification', async () => {
  const dan = await user('dan');
  ok(await osmo(dan, ['profile', 'set', 'notifications', 'webhook', `${hooks}/hooks/dead`]));
  const slow = await submit(dan, 'notify-dead', 'true');
  await eventually(
    () => Promise.resolve(requestsFor('/hooks/dead', slow, 'workflow.completed').length > 0 ? true : null),
    60_000,
  );
  assert.equal(await statusOf(dan, slow), 'COMPLETED');
  // Another user's workflow ends and is told while dan's receiver keeps the service waiting
  // (the dispatcher's own test pins down that the two are sent side by side).
  const next = await submit(ann, 'notify-after-dead', 'true');
  await webhookFor('/hooks/ann?token=s3cret', next);
  assert.equal(await statusOf(ann, next), 'COMPLETED');
});

test('a workflow pending longer than the threshold is told once', async () => {
  const pia = await user('pia');
  ok(await osmo(pia, ['profile', 'set', 'notifications', 'webhook', `${hooks}/hooks/pia`]));
  const file = join(work, 'waiting.yaml');
  await writeFile(file, WAITING_SPEC.replace('name: waiting', 'name: notify-waiting'));
  const out = ok(await osmo(pia, ['workflow', 'submit', file]));
  const id = /Workflow ID\s+-\s+(\S+)/.exec(out)?.[1] ?? '';
  const hook = await webhookFor('/hooks/pia', id, 'workflow.pending');
  assertSigned(hook.request);
  assert.deepEqual([hook.body.event, hook.body.status], ['workflow.pending', 'PENDING']);
  assert.match(
    (JSON.parse(hook.request.body) as { message: string }).message,
    new RegExp(`^Workflow ${id} has been pending for \\d+ s$`),
  );
  assert.equal(await statusOf(pia, id), 'PENDING');
  ok(await osmo(pia, ['workflow', 'cancel', id]));
  const cancelled = await eventually(() => {
    const last = requestsFor('/hooks/pia', id).at(-1);
    const body = last ? (JSON.parse(last.body) as WebhookBody) : null;
    return Promise.resolve(body && body.event === 'workflow.failed' ? body : null);
  }, 60_000);
  assert.equal(cancelled.status, 'FAILED_CANCELED');
  assert.equal(requestsFor('/hooks/pia', id).filter((r) => r.body.includes('workflow.pending')).length, 1);
});

test('a notification still undelivered when the service is killed is sent after it restarts', async () => {
  const kim = await user('kim');
  ok(await osmo(kim, ['profile', 'set', 'notifications', 'webhook', `${hooks}/hooks/kim`]));
  refuseAll = true;
  const id = await submit(kim, 'notify-crash', 'true');
  await eventually(
    () => Promise.resolve(requestsFor('/hooks/kim', id, 'workflow.completed').length > 0 ? true : null),
    60_000,
  );
  await service.kill();
  refuseAll = false;
  const before = requestsFor('/hooks/kim', id, 'workflow.completed').length;
  service = await startServiceProcess({
    dataDir: service.dataDir,
    args: ['--config', join(work, 'config.yaml'), '--log-level', 'info'],
    env: {
      OSMO_WEBHOOK_SECRET: WEBHOOK_SECRET,
      OSMO_WEBHOOK_URL_PREFIXES: `${hooks}/hooks/`,
    },
  });
  watchLog(service);
  await eventually(
    () => Promise.resolve(requestsFor('/hooks/kim', id, 'workflow.completed').length > before ? true : null),
    60_000,
  );
  const last = requestsFor('/hooks/kim', id, 'workflow.completed').at(-1);
  assert.ok(last);
  assertSigned(last);
  assert.equal((JSON.parse(last.body) as WebhookBody).status, 'COMPLETED');
});

test('the log tells of deliveries and never holds a secret', () => {
  assert.match(serviceLog, /notification sent/);
  assert.match(serviceLog, /notification not delivered/);
  for (const secret of [WEBHOOK_SECRET, SMTP_PASSWORD, 's3cret', 'slack-token-in-path']) {
    assert.ok(!serviceLog.includes(secret), secret);
  }
});
