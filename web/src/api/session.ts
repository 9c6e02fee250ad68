// The signed-in session: the short-lived access token in memory, the refresh secret in sessionStorage, never in a URL.
const REFRESH_KEY = 'osmo.session';
/** Renew the access token this long before it expires, so a request never carries a dying token. */
const RENEW_MARGIN_SECONDS = 30;

interface Tokens {
  readonly access: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
  readonly refresh: string;
}

export interface SessionState {
  readonly signedIn: boolean;
  /** False until a stored session was tried, so the app does not flash the sign-in page on reload. */
  readonly ready: boolean;
}

let tokens: Tokens | null = null;
let state: SessionState = { signedIn: false, ready: false };
let renewing: Promise<string | null> | null = null;
const listeners = new Set<() => void>();

function publish(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

export const sessionState = (): SessionState => state;
export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function keep(next: Tokens): void {
  tokens = next;
  sessionStorage.setItem(REFRESH_KEY, next.refresh);
  publish({ signedIn: true, ready: true });
}

export function dropSession(): void {
  tokens = null;
  sessionStorage.removeItem(REFRESH_KEY);
  publish({ signedIn: false, ready: true });
}

async function postJson(path: string, body: unknown): Promise<unknown> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const parsed: unknown = await response.json().catch(() => null);
  if (!response.ok) throw new Error(errorText(parsed, response.status));
  return parsed;
}

async function postForm(path: string, form: Record<string, string>): Promise<{ ok: boolean; body: unknown }> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { ok: response.ok, body: await response.json().catch(() => null) };
}

/** The service's error text: `message` (OSMO errors), `error_description` (OAuth) or the status. */
export function errorText(body: unknown, status: number): string {
  if (typeof body === 'object' && body !== null) {
    const b = body as Record<string, unknown>;
    if (typeof b.message === 'string') return b.message;
    if (typeof b.error_description === 'string') return b.error_description;
    if (typeof b.error === 'string') return b.error;
  }
  return `The service answered HTTP ${status}.`;
}

interface IssuedAccess {
  token: string;
  expires_at: number;
  refresh_token: string;
}
interface OAuthTokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

const fromOAuth = (t: OAuthTokens): Tokens => ({
  access: t.access_token,
  refresh: t.refresh_token,
  expiresAt: Math.floor(Date.now() / 1000) + t.expires_in,
});

/** Dev mode only: the service creates the user on first login. */
export async function signInDev(username: string): Promise<void> {
  const issued = (await postJson('/api/auth/dev/login', { username })) as IssuedAccess;
  keep({ access: issued.token, expiresAt: issued.expires_at, refresh: issued.refresh_token });
}

export async function signInPassword(username: string, password: string): Promise<void> {
  const { ok, body } = await postForm('/api/auth/token', { grant_type: 'password', username, password });
  if (!ok) throw new Error(errorText(body, 400));
  keep(fromOAuth(body as OAuthTokens));
}

export interface DeviceLogin {
  readonly userCode: string;
  /** The service's approval page with the code filled in. */
  readonly approvalUrl: string;
  /** Resolves once the code was approved (then the session is kept), rejects when denied or expired. */
  readonly approved: Promise<void>;
}

/** The same device-code flow the CLI's `--method code` uses, approved on the service's approval page. */
export async function startDeviceLogin(signal: AbortSignal): Promise<DeviceLogin> {
  const started = (await postForm('/api/auth/device/code', { client_id: 'osmo-cli' })).body as {
    device_code: string;
    user_code: string;
    verification_uri_complete: string;
    interval: number;
  };
  const approved = (async () => {
    let interval = Math.max(1, started.interval);
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, interval * 1000));
      if (signal.aborted) throw new Error('Sign-in cancelled.');
      const { ok, body } = await postForm('/api/auth/token', {
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        device_code: started.device_code,
        client_id: 'osmo-cli',
      });
      if (ok) return keep(fromOAuth(body as OAuthTokens));
      const error = (body as { error?: string } | null)?.error;
      if (error === 'slow_down') interval += 1;
      else if (error !== 'authorization_pending') throw new Error(errorText(body, 400));
    }
  })();
  return { userCode: started.user_code, approvalUrl: started.verification_uri_complete, approved };
}

async function renew(refresh: string): Promise<string | null> {
  try {
    const issued = (await postJson('/api/auth/jwt/access_token', { token: refresh })) as {
      token: string;
      expires_at: number;
    };
    keep({ access: issued.token, expiresAt: issued.expires_at, refresh });
    return issued.token;
  } catch {
    // The session was revoked or expired: the user signs in again.
    dropSession();
    return null;
  }
}

/** A valid access token, renewed when near its end; null when signed out. */
export async function accessToken(force = false): Promise<string | null> {
  if (tokens === null) return null;
  const now = Math.floor(Date.now() / 1000);
  if (!force && tokens.expiresAt - RENEW_MARGIN_SECONDS > now) return tokens.access;
  renewing ??= renew(tokens.refresh).finally(() => (renewing = null));
  return renewing;
}

/** Picks up the session this tab had before a reload. */
export async function restoreSession(): Promise<void> {
  const refresh = sessionStorage.getItem(REFRESH_KEY);
  if (refresh === null) return publish({ signedIn: false, ready: true });
  tokens = { access: '', expiresAt: 0, refresh };
  await accessToken(true);
}

/** Revokes the session on the service, then forgets it here. */
export async function signOut(): Promise<void> {
  const refresh = tokens?.refresh;
  dropSession();
  if (refresh !== undefined) await postJson('/api/auth/logout', { token: refresh }).catch(() => null);
}
