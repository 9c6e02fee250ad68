// What a notification says, on each channel: facts in, webhook JSON, Slack text and an email out.
import type { NotificationKind, WorkflowStatus } from '../core/index.js';

/** The facts of one notification, read from the store when it is sent. */
export interface NotificationFacts {
  /** Stable across retries of one delivery, so a receiver can drop a repeat. */
  readonly deliveryId: string;
  readonly kind: NotificationKind;
  readonly workflowId: string;
  readonly workflowUuid: string;
  readonly status: WorkflowStatus;
  readonly user: string;
  readonly pool: string | null;
  readonly submitTime: Date;
  readonly startTime: Date | null;
  readonly endTime: Date | null;
  readonly failureMessage: string | null;
  /** The workflow's page in the web UI. */
  readonly url: string;
  /** When the event happened: the final status, or the moment the pending threshold passed. */
  readonly at: Date;
}

/** `workflow.completed`, `workflow.failed` or `workflow.pending`: what a receiver switches on. */
export function eventName(f: Pick<NotificationFacts, 'kind' | 'status'>): string {
  if (f.kind === 'PENDING_TOO_LONG') return 'workflow.pending';
  return f.status === 'COMPLETED' ? 'workflow.completed' : 'workflow.failed';
}

function minutesText(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return minutes >= 1 ? `${minutes} min` : `${Math.max(0, Math.round(seconds))} s`;
}

/** One line: what happened to which workflow. */
export function headline(f: NotificationFacts): string {
  if (f.kind === 'PENDING_TOO_LONG') {
    const waited = (f.at.getTime() - f.submitTime.getTime()) / 1000;
    return `Workflow ${f.workflowId} has been pending for ${minutesText(waited)}`;
  }
  return `Workflow ${f.workflowId} ${f.status}`;
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** The JSON a webhook receives; the signature covers exactly these bytes. */
export function webhookBody(f: NotificationFacts): string {
  return JSON.stringify({
    event: eventName(f),
    delivery_id: f.deliveryId,
    workflow_id: f.workflowId,
    workflow_uuid: f.workflowUuid,
    status: f.status,
    user: f.user,
    pool: f.pool,
    submit_time: iso(f.submitTime),
    start_time: iso(f.startTime),
    end_time: iso(f.endTime),
    failure_message: f.failureMessage,
    url: f.url,
    message: headline(f),
  });
}

// Slack's mrkdwn gives `<`, `>` and `&` meaning; they are escaped in everything users wrote.
const slackEscape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A Slack-compatible incoming-webhook body (Slack, Mattermost, Rocket.Chat read `text`). */
export function slackBody(f: NotificationFacts): string {
  const lines = [
    `<${f.url}|${slackEscape(headline(f))}> (user ${slackEscape(f.user)}, pool ${slackEscape(f.pool ?? '-')})`,
    ...(f.failureMessage && f.kind === 'ENDED'
      ? f.failureMessage.split('\n').map((line) => `> ${slackEscape(line)}`)
      : []),
  ];
  return JSON.stringify({ text: lines.join('\n') });
}

export interface EmailContent {
  readonly subject: string;
  readonly text: string;
}

// A header must stay one line whatever a workflow name or message holds.
const oneLine = (text: string): string => text.replace(/[\r\n]+/g, ' ');

export function emailContent(f: NotificationFacts): EmailContent {
  const rows: [string, string | null][] = [
    ['Workflow', f.workflowId],
    ['Status', f.status],
    ['Pool', f.pool],
    ['Submitted', iso(f.submitTime)],
    ['Started', iso(f.startTime)],
    ['Ended', iso(f.endTime)],
    ['Failure', f.failureMessage],
  ];
  return {
    subject: oneLine(`[osmo] ${headline(f)}`),
    text: [
      `${headline(f)}.`,
      '',
      ...rows.filter((r): r is [string, string] => r[1] !== null).map(([k, v]) => `${k}: ${v}`),
      '',
      `Details: ${f.url}`,
      '',
      'You get this email because email notifications are on in your osmo profile',
      '(osmo profile set notifications email false turns them off).',
      '',
    ].join('\n'),
  };
}
