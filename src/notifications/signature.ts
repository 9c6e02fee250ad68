// The webhook signature: HMAC-SHA256 over `<timestamp>.<body>` with the service's key, so a receiver
// can tell the body is ours and unchanged, and refuse an old one replayed.
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-osmo-signature';
export const TIMESTAMP_HEADER = 'x-osmo-timestamp';
export const DELIVERY_HEADER = 'x-osmo-delivery';

/** `sha256=<hex>` of `<unix seconds>.<body>`. */
export function signBody(secret: string, unixSeconds: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`;
}
