// The vocabularies of workflow notifications: what happened, the channels that tell it, and how far
// each delivery got.

/** ENDED: the workflow reached a final status; PENDING_TOO_LONG: it waited past the admin's threshold. */
export const NOTIFICATION_KINDS = ['ENDED', 'PENDING_TOO_LONG'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_CHANNELS = ['email', 'slack', 'webhook'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** PENDING: still to be sent (or retried); SKIPPED: nothing could send it (no transport, no address). */
export const DELIVERY_STATES = ['PENDING', 'SENT', 'FAILED', 'SKIPPED'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const isNotificationKind = (s: string): s is NotificationKind =>
  (NOTIFICATION_KINDS as readonly string[]).includes(s);
export const isNotificationChannel = (s: string): s is NotificationChannel =>
  (NOTIFICATION_CHANNELS as readonly string[]).includes(s);
export const isDeliveryState = (s: string): s is DeliveryState =>
  (DELIVERY_STATES as readonly string[]).includes(s);
