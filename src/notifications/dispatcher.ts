// Sends what the outbox holds, beside the engine and never in its way: events become deliveries,
// deliveries are sent with a deadline each, and a failed one is tried again later with backoff.
// A crash between sending and recording sends it again after the restart (at least once); receivers
// drop repeats by the delivery id.
import type { Logger } from 'pino';
import { assertNever } from '../core/index.js';
import type { NotificationConfig } from '../config/notification-config.js';
import type { DueDelivery, Store } from '../store/index.js';
import type { CredentialVault } from '../identity/index.js';
import { planDeliveries } from './delivery-plan.js';
import { postJson } from './http-post.js';
import { sendEmail } from './mailer.js';
import type { NotificationFacts } from './message.js';
import { emailContent, slackBody, webhookBody } from './message.js';
import { MAX_DELIVERY_ATTEMPTS, retryDelayMs } from './retry-policy.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signBody, TIMESTAMP_HEADER } from './signature.js';
import { webhookUrlProblem } from './url-policy.js';

/** The profile setting the webhook URL is sealed under. */
export const WEBHOOK_SETTING = 'webhook_url';

const POLL_MS = 1_000;
const BATCH = 50;
/** Sends in flight at once: a few dead receivers must not hold up everyone else's. */
const MAX_IN_FLIGHT = 16;
const SEND_TIMEOUT_MS = 10_000;

export interface DispatcherDeps {
  readonly store: Store;
  readonly vault: Pick<CredentialVault, 'openSetting'>;
  readonly config: NotificationConfig;
  /** The service's external base URL, without a trailing slash (known only once it listens). */
  readonly baseUrl: () => string;
  readonly log: Logger;
  readonly now: () => Date;
}

/** A delivery that cannot succeed however often it is tried. */
class Undeliverable extends Error {}

export class NotificationDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;
  private again = false;
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(private readonly deps: DispatcherDeps) {}

  start(): void {
    this.schedule(0);
  }

  /** Looks at the outbox now rather than at the next poll. */
  wake(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.pass;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private schedule(ms: number): void {
    if (this.stopping.signal.aborted) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pass = this.runPass().finally(() => {
        this.pass = null;
        const soon = this.again;
        this.again = false;
        this.schedule(soon ? 0 : POLL_MS);
      });
    }, ms);
    this.timer.unref();
  }

  private async runPass(): Promise<void> {
    try {
      await this.notePendingTooLong();
      await this.expandEvents();
      await this.sendDue();
    } catch (err) {
      // The store may be briefly unavailable; the next poll tries again.
      this.deps.log.error(
        { err: err instanceof Error ? err.message : String(err) },
        'notification pass failed',
      );
    }
  }

  private async notePendingTooLong(): Promise<void> {
    const after = this.deps.config.pendingAfterSeconds;
    if (after === null) return;
    const now = this.deps.now();
    const cutoff = new Date(now.getTime() - after * 1000);
    for (const uuid of await this.deps.store.notifications.listPendingSince(cutoff, BATCH)) {
      await this.deps.store.notifications.recordEvent(uuid, 'PENDING_TOO_LONG', 'PENDING', now);
    }
  }

  private async expandEvents(): Promise<void> {
    const { store, config } = this.deps;
    for (const event of await store.notifications.listUnexpanded(BATCH)) {
      const workflow = await store.workflows.getSummary(event.workflowUuid);
      if (workflow === null) {
        await store.notifications.expand(event.id, [], this.deps.now());
        continue;
      }
      const profile = await store.profiles.get(workflow.submittedBy);
      const plan = planDeliveries(
        {
          email: profile.emailNotification,
          slack: profile.slackNotification,
          webhook: profile.sealedWebhookUrl !== null,
        },
        workflow.submittedBy,
        config,
      );
      await store.notifications.expand(event.id, plan, this.deps.now());
    }
  }

  private async sendDue(): Promise<void> {
    const room = MAX_IN_FLIGHT - this.inFlight.size;
    if (room <= 0) return;
    const due = await this.deps.store.notifications.listDue(this.deps.now(), BATCH);
    for (const delivery of due.filter((d) => !this.inFlight.has(d.id)).slice(0, room)) {
      const sending = this.deliver(delivery).finally(() => {
        this.inFlight.delete(delivery.id);
      });
      this.inFlight.set(delivery.id, sending);
    }
  }

  private async deliver(delivery: DueDelivery): Promise<void> {
    const { store, log } = this.deps;
    const attempts = delivery.attempts + 1;
    const context = { workflowUuid: delivery.event.workflowUuid, channel: delivery.channel, attempts };
    try {
      await this.send(delivery);
      await store.notifications.markSent(delivery.id, attempts, this.deps.now());
      log.info(context, 'notification sent');
    } catch (err) {
      if (this.stopping.signal.aborted) return; // Not an answer from the receiver: tried again at the next start.
      const message = err instanceof Error ? err.message : String(err);
      const giveUp = err instanceof Undeliverable || attempts >= MAX_DELIVERY_ATTEMPTS;
      const next = new Date(this.deps.now().getTime() + retryDelayMs(attempts, Math.random()));
      await store.notifications
        .markFailedAttempt(delivery.id, attempts, message, next, giveUp)
        .catch((e: unknown) => log.error({ ...context, err: String(e) }, 'recording a notification failed'));
      log.warn({ ...context, error: message, giveUp }, 'notification not delivered');
    }
  }

  private async send(delivery: DueDelivery): Promise<void> {
    const { store, config, vault } = this.deps;
    const workflow = await store.workflows.getSummary(delivery.event.workflowUuid);
    if (workflow === null) throw new Undeliverable('the workflow no longer exists');
    const facts: NotificationFacts = {
      deliveryId: `${delivery.eventId}-${delivery.channel}`,
      kind: delivery.event.kind,
      workflowId: workflow.workflowId,
      workflowUuid: workflow.workflowUuid,
      // The status the event was written with: a later restart of the same row does not rewrite it.
      status: delivery.event.workflowStatus,
      user: workflow.submittedBy,
      pool: workflow.pool,
      submitTime: workflow.submitTime,
      startTime: workflow.startTime,
      endTime: workflow.endTime,
      failureMessage: workflow.failureMessage,
      url: `${this.deps.baseUrl()}/workflows/${encodeURIComponent(workflow.workflowId)}`,
      at: delivery.event.createdAt,
    };
    const signal = AbortSignal.any([this.stopping.signal, AbortSignal.timeout(SEND_TIMEOUT_MS)]);
    switch (delivery.channel) {
      case 'email':
        if (config.smtp === null) throw new Undeliverable('no SMTP server is configured');
        await sendEmail(config.smtp, workflow.submittedBy, emailContent(facts));
        return;
      case 'slack':
        if (config.slackWebhookUrl === null) throw new Undeliverable('no Slack webhook is configured');
        await postJson(config.slackWebhookUrl, slackBody(facts), {}, signal);
        return;
      case 'webhook': {
        const secret = config.webhookSecret;
        if (secret === null) throw new Undeliverable('no webhook signing key is configured');
        const sealed = (await store.profiles.get(workflow.submittedBy)).sealedWebhookUrl;
        const url =
          sealed === null ? null : await vault.openSetting(workflow.submittedBy, WEBHOOK_SETTING, sealed);
        if (url === null) throw new Undeliverable('the user has no webhook any more');
        // The admin may have narrowed the allowlist since the URL was registered.
        const problem = webhookUrlProblem(url, config.webhookUrlPrefixes);
        if (problem !== null) throw new Undeliverable(problem);
        const body = webhookBody(facts);
        const timestamp = Math.floor(this.deps.now().getTime() / 1000);
        await postJson(
          url,
          body,
          {
            [SIGNATURE_HEADER]: signBody(secret, timestamp, body),
            [TIMESTAMP_HEADER]: String(timestamp),
            [DELIVERY_HEADER]: facts.deliveryId,
          },
          signal,
        );
        return;
      }
      default:
        assertNever(delivery.channel);
    }
  }
}
