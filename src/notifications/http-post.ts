// One JSON POST with a deadline. Redirects are not followed: a receiver could otherwise send the
// service on to an address the allowlist never approved.

export async function postJson(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'osmo-notifications', ...headers },
      body,
      redirect: 'manual',
      signal,
    });
  } catch (err) {
    // The URL stays out of the message: a webhook URL may carry a token, and messages are logged.
    // undici puts the socket's error code on the cause (or on the first of several tried addresses),
    // or only words ("bad port"); neither holds the URL's path, where a token may be.
    const reason = (err as { cause?: { code?: unknown; message?: unknown; errors?: { code?: unknown }[] } })
      .cause;
    const cause = reason?.code ?? reason?.errors?.[0]?.code ?? reason?.message;
    const name = err instanceof Error ? err.name : 'Error';
    throw new Error(
      name === 'TimeoutError' || name === 'AbortError'
        ? 'the receiver did not answer in time'
        : `the receiver could not be reached${typeof cause === 'string' ? ` (${cause})` : ''}`,
      { cause: err },
    );
  }
  // The body is read to free the connection; its content is the receiver's business.
  await response.arrayBuffer().catch(() => undefined);
  if (response.status < 200 || response.status > 299) {
    throw new Error(`the receiver answered HTTP ${response.status}`);
  }
}
