// The notification outbox on both databases: an event is written with the final status or not at
// all, once per workflow and kind, and its deliveries move through their retries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newTestWorkflow, withTestStores } from './testing.js';

withTestStores((store) => {
  test('a final status writes one ENDED event with it, and a status that is not final writes none', async () => {
    const w = await store().workflows.create(newTestWorkflow({ workflowName: 'outbox-end' }));
    assert.equal(await store().workflows.setStatus(w.workflowUuid, 'RUNNING', ['PENDING']), true);
    assert.deepEqual(await store().notifications.listEvents(w.workflowUuid), []);
    const at = new Date('2025-01-01T01:00:00.000Z');
    assert.equal(await store().workflows.setStatus(w.workflowUuid, 'FAILED', ['RUNNING'], { at }), true);
    // A stale writer changes nothing, and adds no second event.
    assert.equal(await store().workflows.setStatus(w.workflowUuid, 'COMPLETED', ['RUNNING']), false);
    const events = await store().notifications.listEvents(w.workflowUuid);
    assert.deepEqual(
      events.map((e) => [e.kind, e.workflowStatus, e.createdAt.toISOString(), e.expanded]),
      [['ENDED', 'FAILED', at.toISOString(), false]],
    );
  });

  test('the event is part of the status write: a rolled-back transaction keeps neither', async () => {
    const w = await store().workflows.create(newTestWorkflow({ workflowName: 'outbox-rollback' }));
    await assert.rejects(
      store().transaction(async (tx) => {
        assert.equal(await tx.workflows.setStatus(w.workflowUuid, 'COMPLETED', ['PENDING']), true);
        throw new Error('crash after the write');
      }),
      /crash after the write/,
    );
    assert.equal((await store().workflows.get(w.workflowUuid))?.status, 'PENDING');
    assert.deepEqual(await store().notifications.listEvents(w.workflowUuid), []);
  });

  test('an event is recorded once per workflow and kind', async () => {
    const w = await store().workflows.create(newTestWorkflow({ workflowName: 'outbox-once' }));
    const at = new Date();
    assert.equal(
      await store().notifications.recordEvent(w.workflowUuid, 'PENDING_TOO_LONG', 'PENDING', at),
      true,
    );
    assert.equal(
      await store().notifications.recordEvent(w.workflowUuid, 'PENDING_TOO_LONG', 'PENDING', at),
      false,
    );
    assert.equal((await store().notifications.listEvents(w.workflowUuid)).length, 1);
  });

  test('expanding creates the deliveries once; due ones come back until sent or given up', async () => {
    const w = await store().workflows.create(newTestWorkflow({ workflowName: 'outbox-deliver' }));
    await store().workflows.setStatus(w.workflowUuid, 'COMPLETED', ['PENDING']);
    const [event] = await store().notifications.listEvents(w.workflowUuid);
    assert.ok(event);
    assert.ok((await store().notifications.listUnexpanded(1000)).some((e) => e.id === event.id));
    const t0 = new Date('2030-01-01T00:00:00.000Z');
    const plan = [
      { channel: 'email', state: 'PENDING', note: null },
      { channel: 'slack', state: 'SKIPPED', note: 'no Slack webhook is configured' },
      { channel: 'webhook', state: 'PENDING', note: null },
    ] as const;
    assert.equal(await store().notifications.expand(event.id, plan, t0), true);
    assert.equal(await store().notifications.expand(event.id, plan, t0), false);
    assert.ok(!(await store().notifications.listUnexpanded(1000)).some((e) => e.id === event.id));
    const mine = async (now: Date): Promise<string[]> =>
      (await store().notifications.listDue(now, 1000))
        .filter((d) => d.eventId === event.id)
        .map((d) => `${d.channel}:${d.attempts}:${d.event.workflowStatus}`);
    assert.deepEqual(await mine(t0), ['email:0:COMPLETED', 'webhook:0:COMPLETED']);
    const deliveries = await store().notifications.listDeliveries(event.id);
    const email = deliveries.find((d) => d.channel === 'email');
    const webhook = deliveries.find((d) => d.channel === 'webhook');
    assert.ok(email && webhook);
    await store().notifications.markSent(email.id, 1, t0);
    const later = new Date(t0.getTime() + 2000);
    await store().notifications.markFailedAttempt(webhook.id, 1, 'HTTP 500', later, false);
    assert.deepEqual(await mine(t0), [], 'not due before its retry time');
    assert.deepEqual(await mine(later), ['webhook:1:COMPLETED']);
    assert.ok(((await store().notifications.nextDueAt())?.getTime() ?? Infinity) <= later.getTime());
    await store().notifications.markFailedAttempt(webhook.id, 2, 'HTTP 500', later, true);
    assert.deepEqual(await mine(new Date(later.getTime() + 60_000)), []);
    const final = await store().notifications.listDeliveries(event.id);
    assert.deepEqual(
      final.map((d) => [d.channel, d.state, d.attempts, d.lastError, d.sentAt?.toISOString() ?? null]),
      [
        ['email', 'SENT', 1, null, t0.toISOString()],
        ['slack', 'SKIPPED', 0, 'no Slack webhook is configured', null],
        ['webhook', 'FAILED', 2, 'HTTP 500', null],
      ],
    );
  });

  test('a workflow pending since before the cutoff is found until it has its PENDING_TOO_LONG event', async () => {
    const submitTime = new Date('2020-06-01T00:00:00.000Z');
    const old = await store().workflows.create(newTestWorkflow({ workflowName: 'outbox-old', submitTime }));
    const fresh = await store().workflows.create(
      newTestWorkflow({ workflowName: 'outbox-fresh', submitTime: new Date('2020-06-01T00:10:00.000Z') }),
    );
    const cutoff = new Date('2020-06-01T00:05:00.000Z');
    const found = await store().notifications.listPendingSince(cutoff, 1000);
    assert.ok(found.includes(old.workflowUuid));
    assert.ok(!found.includes(fresh.workflowUuid));
    await store().notifications.recordEvent(old.workflowUuid, 'PENDING_TOO_LONG', 'PENDING', cutoff);
    assert.ok(!(await store().notifications.listPendingSince(cutoff, 1000)).includes(old.workflowUuid));
  });
});
