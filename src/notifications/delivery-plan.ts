// Which channels an event goes to: those the user opted into, each either ready to send or skipped
// with the reason an admin can read in the outbox.
import type { DeliveryState, NotificationChannel } from '../core/index.js';
import type { NotificationConfig } from '../config/notification-config.js';

export interface OptIns {
  readonly email: boolean;
  readonly slack: boolean;
  readonly webhook: boolean;
}

export interface PlannedDelivery {
  readonly channel: NotificationChannel;
  readonly state: DeliveryState;
  readonly note: string | null;
}

// A user id is an email address when it looks like one; other ids (dev logins) have no mailbox.
const EMAIL_ADDRESS = /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/;

export const isEmailAddress = (user: string): boolean => EMAIL_ADDRESS.test(user);

export function planDeliveries(optIns: OptIns, user: string, config: NotificationConfig): PlannedDelivery[] {
  const plan: PlannedDelivery[] = [];
  const add = (channel: NotificationChannel, skippedBecause: string | null): void => {
    plan.push({ channel, state: skippedBecause === null ? 'PENDING' : 'SKIPPED', note: skippedBecause });
  };
  if (optIns.email) {
    add(
      'email',
      config.smtp === null
        ? 'no SMTP server is configured'
        : isEmailAddress(user)
          ? null
          : 'the user name is not an email address',
    );
  }
  if (optIns.slack) add('slack', config.slackWebhookUrl === null ? 'no Slack webhook is configured' : null);
  if (optIns.webhook) {
    add('webhook', config.webhookSecret === null ? 'no webhook signing key is configured' : null);
  }
  return plan;
}
