// How a browser authenticates a WebSocket: it cannot set an Authorization header on one, and a token
// in the URL would land in logs and history, so the token travels as a subprotocol beside the one
// the service answers with (the way Kubernetes takes bearer tokens from browsers). Shared by the
// service and the web UI.

/** The subprotocol the service selects; the token's own entry is never echoed back. */
export const WEBSOCKET_PROTOCOL = 'osmo';
const BEARER_PREFIX = 'base64url.bearer.osmo.';

const toBase64Url = (text: string): string =>
  btoa(String.fromCodePoint(...new TextEncoder().encode(text)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

function fromBase64Url(text: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

/** The subprotocols a browser offers: the service's, then the token. */
export const bearerProtocols = (token: string): string[] => [
  WEBSOCKET_PROTOCOL,
  `${BEARER_PREFIX}${toBase64Url(token)}`,
];

/** The token a `Sec-WebSocket-Protocol` header carries, or null when it carries none. */
export function tokenFromProtocols(header: string | undefined): string | null {
  if (header === undefined) return null;
  for (const entry of header.split(',')) {
    const value = entry.trim();
    if (value.startsWith(BEARER_PREFIX)) return fromBase64Url(value.slice(BEARER_PREFIX.length));
  }
  return null;
}
