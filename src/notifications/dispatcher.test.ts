// The dispatcher over a real store, vault, HTTP receiver and SMTP server: a receiver that never
// answers holds up no other delivery, and stopping the service leaves its delivery for the next start.
import assert from 'node:assert/strict';
import type { Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { NotificationConfigSchema } from '../config/notification-config.js';
import { createCredentialVault, masterKeyFrom, newMasterKeyBase64 } from '../identity/index.js';
import type { TestStore } from '../store/testing.js';
import { makeTestStore, newTestWorkflow } from '../store/testing.js';
import { NotificationDispatcher, WEBHOOK_SETTING } from './dispatcher.js';

let testStore: TestStore;
const arrivals: { path: string; at: number }[] = [];
const open: ServerResponse[] = [];
const mails: { to: string[]; raw: string; at: number }[] = [];
let deadClosedAt: number | null = null;

const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    arrivals.push({ path: req.url ?? '', at: Date.now() });
    if (req.url === '/hooks/dead') {
      open.push(res);
      res.on('close', () => (deadClosedAt ??= Date.now()));
      return;
    }
    res.writeHead(204).end();
  });
});
const smtp = new SMTPServer({
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    let raw = '';
    stream.on('data', (d: Buffer) => (raw += d.toString()));
    stream.on('end', () => {
      mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, at: Date.now() });
      callback();
    });
  },
});

async function portOf(server: Server | SMTPServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // An SMTPServer keeps its net.Server in `server`.
  const net = server instanceof SMTPServer ? (server as unknown as { server: Server }).server : server;
  return (net.address() as AddressInfo).port;
}

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  testStore = await makeTestStore('sqlite');
});
after(async () => {
  for (const res of open) res.destroy();
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
  await new Promise((r) => smtp.close(() => r(undefined)));
  await testStore.dispose();
});

test('a receiver that never answers holds up no other delivery, and a stop leaves it pending', async () => {
  const hooks = `http://127.0.0.1:${await portOf(receiver)}`;
  const smtpPort = await portOf(smtp);
  const { store } = testStore;
  const vault = createCredentialVault(store, masterKeyFrom(newMasterKeyBase64()), () => new Date());
  const config = NotificationConfigSchema.parse({
    smtp: { url: `smtp://127.0.0.1:${smtpPort}`, from: 'osmo@dispatch.test' },
    webhookSecret: 'dispatcher-test-signing-key',
    webhookUrlPrefixes: [`${hooks}/hooks/`],
  });
  const webhookOf = async (user: string, path: string): Promise<void> => {
    await store.profiles.update(user, {
      sealedWebhookUrl: await vault.sealSetting(user, WEBHOOK_SETTING, `${hooks}${path}`),
    });
  };
  // The dead receiver's workflow ends first, so its delivery is the first one due.
  await webhookOf('dan', '/hooks/dead');
  await webhookOf('eve@example.com', '/hooks/eve');
  await store.profiles.update('eve@example.com', { emailNotification: true });
  const dead = await store.workflows.create(newTestWorkflow({ workflowName: 'dead', submittedBy: 'dan' }));
  const live = await store.workflows.create(
    newTestWorkflow({ workflowName: 'live', submittedBy: 'eve@example.com' }),
  );
  await store.workflows.setStatus(dead.workflowUuid, 'COMPLETED', ['PENDING']);
  await store.workflows.setStatus(live.workflowUuid, 'FAILED', ['PENDING']);

  const dispatcher = new NotificationDispatcher({
    store,
    vault,
    config,
    baseUrl: () => 'http://osmo.test',
    log: pino({ level: 'silent' }),
    now: () => new Date(),
  });
  dispatcher.start();
  try {
    await until(() => arrivals.some((a) => a.path === '/hooks/dead'));
    await until(() => arrivals.some((a) => a.path === '/hooks/eve') && mails.length > 0);
    // Both of eve's arrived while dan's receiver still held its request open.
    assert.equal(deadClosedAt, null);
    assert.deepEqual(mails[0]?.to, ['eve@example.com']);
    assert.match(mails[0]?.raw ?? '', /^Subject: \[osmo\] Workflow live-1 FAILED\r$/m);
  } finally {
    const stopping = Date.now();
    await dispatcher.stop();
    // A stop does not wait out the receiver's deadline: it ends the request.
    assert.ok(Date.now() - stopping < 5_000, `stopped in ${Date.now() - stopping} ms`);
  }
  const [event] = await store.notifications.listEvents(dead.workflowUuid);
  assert.ok(event);
  // Cut short by the stop, not refused by the receiver: still pending, no attempt counted.
  assert.deepEqual(
    (await store.notifications.listDeliveries(event.id)).map((d) => [d.channel, d.state, d.attempts]),
    [['webhook', 'PENDING', 0]],
  );
  const [liveEvent] = await store.notifications.listEvents(live.workflowUuid);
  assert.ok(liveEvent);
  assert.deepEqual(
    (await store.notifications.listDeliveries(liveEvent.id)).map((d) => [d.channel, d.state, d.attempts]),
    [
      ['email', 'SENT', 1],
      ['webhook', 'SENT', 1],
    ],
  );
});
