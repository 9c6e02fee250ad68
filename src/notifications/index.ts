// Workflow notifications: the outbox dispatcher, and the URL rules the API applies to users' webhooks.
export { NotificationDispatcher, WEBHOOK_SETTING } from './dispatcher.js';
export type { DispatcherDeps } from './dispatcher.js';
export { maskedUrl, webhookUrlProblem } from './url-policy.js';
export { SIGNATURE_HEADER, TIMESTAMP_HEADER, DELIVERY_HEADER, signBody } from './signature.js';
