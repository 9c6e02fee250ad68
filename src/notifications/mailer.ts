// Email through the admin's SMTP relay, one connection per message: notifications are rare.
import nodemailer from 'nodemailer';
import type { NotificationConfig } from '../config/notification-config.js';
import type { EmailContent } from './message.js';

type SmtpConfig = NonNullable<NotificationConfig['smtp']>;

const SMTP_TIMEOUT_MS = 10_000;

export async function sendEmail(smtp: SmtpConfig, to: string, content: EmailContent): Promise<void> {
  const url = new URL(smtp.url);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: url.port === '' ? (url.protocol === 'smtps:' ? 465 : 587) : Number(url.port),
    secure: url.protocol === 'smtps:',
    ...(smtp.username !== null ? { auth: { user: smtp.username, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
    // nodemailer logs nothing of its own; its errors reach the dispatcher, which logs the message only.
    logger: false,
  });
  try {
    await transport.sendMail({ from: smtp.from, to, subject: content.subject, text: content.text });
  } catch (err) {
    throw new Error(
      `the SMTP server refused the message: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  } finally {
    transport.close();
  }
}
