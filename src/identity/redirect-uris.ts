// Which OAuth redirect URIs a client may register and which requested URI matches a registered one.

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
export const MAX_REDIRECT_URI_LENGTH = 512;

const parse = (uri: string): URL | null => (URL.canParse(uri) ? new URL(uri) : null);

const isLoopbackHttp = (url: URL): boolean => url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);

/**
 * Why a redirect URI may not be registered, or null when it may. A code sent to a plain-http address
 * off this machine could be read on the way, and a custom scheme can be claimed by any local app, so
 * only https and loopback http are accepted.
 */
export function redirectUriRefusal(uri: string): string | null {
  if (uri.length > MAX_REDIRECT_URI_LENGTH) return `longer than ${MAX_REDIRECT_URI_LENGTH} characters`;
  const url = parse(uri);
  if (url === null) return 'not an absolute URL';
  if (url.hash !== '' || uri.includes('#')) return 'a redirect URI may not have a fragment';
  if (url.username !== '' || url.password !== '') return 'a redirect URI may not carry user information';
  if (url.protocol === 'https:') return null;
  if (isLoopbackHttp(url)) return null;
  return 'only https URIs and http URIs on a loopback address (127.0.0.1, [::1], localhost) are accepted';
}

/**
 * Whether a requested redirect URI is one of the registered ones: the same string, or, for loopback
 * http, the same but for the port, since a native client listens on whatever port it gets (RFC 8252).
 */
export function redirectUriMatches(registered: readonly string[], requested: string): boolean {
  if (registered.includes(requested)) return true;
  const want = parse(requested);
  if (want === null || !isLoopbackHttp(want) || requested.includes('#')) return false;
  return registered.some((uri) => {
    const have = parse(uri);
    return (
      have !== null &&
      isLoopbackHttp(have) &&
      have.hostname === want.hostname &&
      have.pathname === want.pathname &&
      have.search === want.search
    );
  });
}
