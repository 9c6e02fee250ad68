// Which webhook URLs a user may register. The service posts to them from inside the network, so a
// free choice would let any user make it call internal addresses (SSRF): a URL must start with one
// of the prefixes the admin allows, and redirects are never followed (http-post.ts).

/** Why `raw` may not be a user's webhook URL, or null when it may. */
export function webhookUrlProblem(raw: string, allowedPrefixes: readonly string[]): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `${JSON.stringify(raw)} is not a URL.`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'A webhook URL must be http or https.';
  if (url.username !== '' || url.password !== '')
    return 'A webhook URL may not carry a user name or password.';
  if (allowedPrefixes.length === 0) return 'This service does not accept user webhooks.';
  // Both sides normalised: `https://hooks.example.com` allows `https://hooks.example.com/x`, never
  // `https://hooks.example.com.evil.test/`.
  const href = url.href;
  const allowed = allowedPrefixes.some((p) => {
    try {
      return href.startsWith(new URL(p).href);
    } catch {
      return false;
    }
  });
  return allowed ? null : `A webhook URL must start with one of: ${allowedPrefixes.join(', ')}.`;
}

/** A URL as its owner sees it in listings: the origin only, as a path may carry a token. */
export function maskedUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return url.pathname === '/' && url.search === '' ? url.origin : `${url.origin}/...`;
  } catch {
    return '...';
  }
}
