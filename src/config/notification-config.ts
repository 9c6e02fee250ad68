// Where workflow notifications go: the admin's SMTP relay and Slack webhook, the key that signs webhook
// bodies, the URL prefixes users' webhooks must start with, and when a pending workflow is worth a word.
// Every secret here comes from the environment, never from the store or the config file.
import { z } from 'zod';
import { parseDurationSeconds } from '../spec/duration.js';

const SmtpSchema = z.object({
  /** `smtp://host:port` (STARTTLS when offered) or `smtps://host:port` (TLS from the start). */
  url: z
    .string()
    .url()
    .refine((u) => /^smtps?:\/\//.test(u), { message: 'must start with smtp:// or smtps://' }),
  from: z.string().min(3),
  username: z.string().min(1).nullable().default(null),
  password: z.string().min(1).nullable().default(null),
});

export const NotificationConfigSchema = z.object({
  smtp: SmtpSchema.nullable().default(null),
  /** A Slack-compatible incoming webhook that receives the notifications of users who enable slack. */
  slackWebhookUrl: z.string().url().nullable().default(null),
  /** HMAC-SHA256 key of the `X-Osmo-Signature` header; without one, users cannot register webhooks. */
  webhookSecret: z.string().min(16).nullable().default(null),
  /** A user's webhook URL must start with one of these; none: users cannot register webhooks. */
  webhookUrlPrefixes: z.array(z.string().url()).default([]),
  /** A workflow still PENDING this long after its submission gets one notification; null: never. */
  pendingAfterSeconds: z.number().positive().nullable().default(null),
});
export type NotificationConfig = z.infer<typeof NotificationConfigSchema>;

/** The notification settings in the environment; absent variables keep the defaults. */
export function notificationConfigFromEnv(env: NodeJS.ProcessEnv): NotificationConfig {
  const smtpUrl = env.OSMO_SMTP_URL;
  const result = NotificationConfigSchema.safeParse({
    smtp: smtpUrl
      ? {
          url: smtpUrl,
          from: env.OSMO_SMTP_FROM ?? '',
          username: env.OSMO_SMTP_USERNAME || null,
          password: env.OSMO_SMTP_PASSWORD || null,
        }
      : null,
    slackWebhookUrl: env.OSMO_SLACK_WEBHOOK_URL || null,
    webhookSecret: env.OSMO_WEBHOOK_SECRET || null,
    webhookUrlPrefixes: (env.OSMO_WEBHOOK_URL_PREFIXES ?? '').split(',').filter(Boolean),
    pendingAfterSeconds: env.OSMO_NOTIFY_PENDING_AFTER
      ? parseDurationSeconds(env.OSMO_NOTIFY_PENDING_AFTER)
      : null,
  });
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`Invalid notification settings: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`);
  }
  return result.data;
}
