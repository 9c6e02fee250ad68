// The pure rules of notifications: which URLs users may register, the backoff, which channels an
// event goes to, and what each channel says.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { NotificationConfigSchema } from '../config/notification-config.js';
import { planDeliveries } from './delivery-plan.js';
import type { NotificationFacts } from './message.js';
import { emailContent, slackBody, webhookBody } from './message.js';
import { MAX_DELIVERY_ATTEMPTS, retryDelayMs } from './retry-policy.js';
import { signBody } from './signature.js';
import { maskedUrl, webhookUrlProblem } from './url-policy.js';

test('a webhook URL must start with an allowed prefix, compared as normalised URLs', () => {
  const allowed = ['https://hooks.example.com', 'http://127.0.0.1:9000/in/'];
  assert.equal(webhookUrlProblem('https://hooks.example.com/team/a', allowed), null);
  assert.equal(webhookUrlProblem('HTTPS://HOOKS.EXAMPLE.COM/x', allowed), null);
  assert.equal(webhookUrlProblem('http://127.0.0.1:9000/in/x?y=1', allowed), null);
  for (const bad of [
    'https://hooks.example.com.evil.test/',
    'https://hooks.example.com@evil.test/',
    'http://127.0.0.1:9000/internal',
    'http://169.254.169.254/latest/meta-data/',
    'ftp://hooks.example.com/',
    'not a url',
  ]) {
    assert.notEqual(webhookUrlProblem(bad, allowed), null, bad);
  }
  assert.match(webhookUrlProblem('https://hooks.example.com/', []) ?? '', /does not accept user webhooks/);
  assert.equal(maskedUrl('https://hooks.example.com/T0/B0/secret'), 'https://hooks.example.com/...');
  assert.equal(maskedUrl('https://hooks.example.com/'), 'https://hooks.example.com');
});

test('retries back off exponentially with bounded jitter, up to a cap', () => {
  assert.equal(retryDelayMs(1, 0), 1_000);
  assert.equal(retryDelayMs(2, 0), 2_000);
  assert.equal(retryDelayMs(3, 1), 5_000);
  assert.equal(retryDelayMs(40, 0), 15 * 60_000);
  assert.ok(MAX_DELIVERY_ATTEMPTS > 3);
});

test('an event goes to the channels the user chose, skipped where the service cannot send', () => {
  const none = NotificationConfigSchema.parse({});
  const all = NotificationConfigSchema.parse({
    smtp: { url: 'smtp://127.0.0.1:25', from: 'osmo@x.test' },
    slackWebhookUrl: 'https://hooks.slack.com/services/T/B/X',
    webhookSecret: '0123456789abcdef',
  });
  const on = { email: true, slack: true, webhook: true };
  assert.deepEqual(planDeliveries({ email: false, slack: false, webhook: false }, 'a@b.test', all), []);
  assert.deepEqual(
    planDeliveries(on, 'a@b.test', all).map((d) => [d.channel, d.state]),
    [
      ['email', 'PENDING'],
      ['slack', 'PENDING'],
      ['webhook', 'PENDING'],
    ],
  );
  assert.deepEqual(
    planDeliveries(on, 'alice', all).find((d) => d.channel === 'email'),
    { channel: 'email', state: 'SKIPPED', note: 'the user name is not an email address' },
  );
  assert.deepEqual(
    planDeliveries(on, 'a@b.test', none).map((d) => d.state),
    ['SKIPPED', 'SKIPPED', 'SKIPPED'],
  );
});

const facts: NotificationFacts = {
  deliveryId: '7-webhook',
  kind: 'ENDED',
  workflowId: 'train-<3>-1',
  workflowUuid: 'a'.repeat(32),
  status: 'FAILED',
  user: 'ann@example.com',
  pool: 'default',
  submitTime: new Date('2026-01-01T00:00:00.000Z'),
  startTime: new Date('2026-01-01T00:00:05.000Z'),
  endTime: new Date('2026-01-01T00:01:00.000Z'),
  failureMessage: 'exit 3\nsee logs',
  url: 'http://osmo.test/workflows/train-1',
  at: new Date('2026-01-01T00:01:00.000Z'),
};

test('each channel says what happened, in its own format', () => {
  const body = JSON.parse(webhookBody(facts)) as Record<string, unknown>;
  assert.deepEqual(
    [body['event'], body['status'], body['delivery_id'], body['end_time'], body['failure_message']],
    ['workflow.failed', 'FAILED', '7-webhook', '2026-01-01T00:01:00.000Z', 'exit 3\nsee logs'],
  );
  const pending = JSON.parse(webhookBody({ ...facts, kind: 'PENDING_TOO_LONG', status: 'PENDING' })) as {
    event: string;
    message: string;
  };
  assert.deepEqual(
    [pending.event, pending.message],
    ['workflow.pending', 'Workflow train-<3>-1 has been pending for 1 min'],
  );
  // Slack's control characters in user text are escaped; the link is the workflow's page.
  assert.equal(
    (JSON.parse(slackBody(facts)) as { text: string }).text,
    '<http://osmo.test/workflows/train-1|Workflow train-&lt;3&gt;-1 FAILED> (user ann@example.com, pool default)\n> exit 3\n> see logs',
  );
  const mail = emailContent({ ...facts, workflowId: 'evil\r\nBcc: x@y.test' });
  assert.doesNotMatch(mail.subject, /[\r\n]/, 'a header stays one line');
  assert.match(emailContent(facts).text, /^Failure: exit 3\nsee logs$/m);
});

test('the signature is HMAC-SHA256 over the timestamp and the body', () => {
  const expected = createHmac('sha256', 'key').update('1700000000.{"a":1}').digest('hex');
  assert.equal(signBody('key', 1_700_000_000, '{"a":1}'), `sha256=${expected}`);
});
