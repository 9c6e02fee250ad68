// An interactive MCP client's OAuth flow against the real service: the SDK's client discovers, registers,
// sends the test (playing the browser) through the service's login and consent page to a loopback
// callback, exchanges the code with PKCE and then uses the tools as the user; and the refusals.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { importSigningKey, signAccessToken, verifyAccessToken } from '../../src/api/auth/jwt.js';
import { s256Challenge } from '../../src/identity/index.js';
import type { ServiceProcess } from './harness.js';
import { apiCall, startServiceProcess } from './harness.js';

let service: ServiceProcess;
let callback: Server;
let callbackUrl: string;
/** The query of each request the loopback callback received, latest last. */
const arrivals: URLSearchParams[] = [];

/** What an MCP client keeps between runs: its registration, its tokens, the verifier of the pending login. */
class MemoryProvider implements OAuthClientProvider {
  info: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = '';
  pendingUrl: URL | null = null;
  readonly stateValue = randomBytes(16).toString('hex');

  constructor(readonly redirect: string) {}

  get redirectUrl(): string {
    return this.redirect;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'osmo-oauth-test-agent',
      redirect_uris: [this.redirect],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  state(): string {
    return this.stateValue;
  }
  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.info = info;
  }
  tokens(): OAuthTokens | undefined {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL): void {
    this.pendingUrl = url;
  }
  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }
  codeVerifier(): string {
    return this.verifier;
  }
  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'all' || scope === 'tokens') this.saved = undefined;
    if (scope === 'all' || scope === 'client') this.info = undefined;
  }
}

const unescapeHtml = (text: string): string =>
  text.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));

/** The hidden fields of the consent page's form, as a browser would submit them. */
function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([a-z_]+)" value="([^"]*)">/g)) {
    fields[m[1] ?? ''] = unescapeHtml(m[2] ?? '');
  }
  return fields;
}

/** Opens the authorization page, submits the login form, and answers the form POST as it came. */
async function submitConsent(
  authorizationUrl: string,
  user: string,
  action: 'approve' | 'deny' = 'approve',
  password = '',
): Promise<Response> {
  const pageResponse = await fetch(authorizationUrl, { redirect: 'manual' });
  const html = await pageResponse.text();
  assert.equal(pageResponse.status, 200, html);
  assert.match(pageResponse.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.match(html, /osmo-oauth-test-agent/);
  const form = new URLSearchParams({ ...hiddenFields(html), username: user, password, action });
  return fetch(new URL('/api/auth/oauth/authorize', authorizationUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
}

/** Plays the browser through to the loopback callback and returns what the callback received. */
async function authorizeInBrowser(authorizationUrl: string, user: string): Promise<URLSearchParams> {
  const decided = await submitConsent(authorizationUrl, user);
  assert.equal(decided.status, 302, await decided.text());
  const location = decided.headers.get('location') ?? '';
  assert.ok(location.startsWith(callbackUrl), location);
  const before = arrivals.length;
  const landed = await fetch(location);
  assert.equal(landed.status, 200);
  assert.equal(arrivals.length, before + 1);
  return arrivals[arrivals.length - 1] ?? new URLSearchParams();
}

const mcpUrl = (): URL => new URL(`${service.url}/mcp`);

/** The SDK's whole interactive flow for `user`: a connected client and the provider holding its tokens. */
async function connectWithOAuth(user: string): Promise<{ client: Client; provider: MemoryProvider }> {
  const provider = new MemoryProvider(callbackUrl);
  const first = new StreamableHTTPClientTransport(mcpUrl(), { authProvider: provider });
  await assert.rejects(new Client({ name: 'agent', version: '1' }).connect(first), UnauthorizedError);
  assert.ok(provider.pendingUrl !== null, 'the client was sent to the authorization page');
  assert.match(String(provider.info?.client_id), /^osmo-mcp\./);
  const received = await authorizeInBrowser(provider.pendingUrl.href, user);
  assert.equal(received.get('state'), provider.stateValue);
  assert.equal(received.get('iss'), service.url);
  await first.finishAuth(received.get('code') ?? '');
  const client = new Client({ name: 'agent', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl(), { authProvider: provider }));
  return { client, provider };
}

interface ToolAnswer {
  isError?: boolean;
  content: { type: string; text: string }[];
}
const call = async (client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolAnswer> =>
  (await client.callTool({ name, arguments: args })) as ToolAnswer;
const text = (a: ToolAnswer): string => a.content.map((c) => c.text).join('');

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

/** A registration and an authorization code obtained by hand, for the refusals the SDK never provokes. */
async function codeByHand(
  user: string,
  base = service.url,
  password = '',
): Promise<{ clientId: string; code: string; verifier: string; redirectUri: string }> {
  const { clientId, url, verifier } = await registerAndAsk(base);
  const decided = await submitConsent(url, user, 'approve', password);
  assert.equal(decided.status, 302, await decided.text());
  const location = new URL(decided.headers.get('location') ?? '');
  assert.equal(`${location.origin}${location.pathname}`, callbackUrl);
  return { clientId, code: location.searchParams.get('code') ?? '', verifier, redirectUri: callbackUrl };
}

/** Registers a client by hand and builds its authorization request. */
async function registerAndAsk(base: string): Promise<{ clientId: string; url: string; verifier: string }> {
  const registered = await fetch(`${base}/api/auth/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'osmo-oauth-test-agent', redirect_uris: [callbackUrl] }),
  });
  assert.equal(registered.status, 201);
  const clientId = ((await registered.json()) as { client_id: string }).client_id;
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(`${base}/api/auth/oauth/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: callbackUrl,
    code_challenge: s256Challenge(verifier),
    code_challenge_method: 'S256',
    resource: `${base}/mcp`,
  }).toString();
  return { clientId, url: url.href, verifier };
}

async function exchange(
  fields: Record<string, string>,
  base = service.url,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${base}/api/auth/token`, form({ grant_type: 'authorization_code', ...fields }));
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

/** A raw MCP request with a bearer token: the status and the challenge of the answer. */
async function rawMcp(
  token: string | null,
  base = service.url,
): Promise<{ status: number; challenge: string; body: string }> {
  const r = await fetch(`${base}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
  });
  return { status: r.status, challenge: r.headers.get('www-authenticate') ?? '', body: await r.text() };
}

before(async () => {
  service = await startServiceProcess();
  callback = createServer((req, res) => {
    arrivals.push(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('You can close this window.');
  });
  await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
  callbackUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;
});

after(async () => {
  await new Promise<void>((resolve) => callback?.close(() => resolve()));
  await service?.stop();
});

test('an unauthenticated MCP request is told where the protected-resource metadata is', async () => {
  const answer = await rawMcp(null);
  assert.equal(answer.status, 401);
  const metadataUrl = /resource_metadata="([^"]+)"/.exec(answer.challenge)?.[1];
  assert.equal(metadataUrl, `${service.url}/.well-known/oauth-protected-resource/mcp`);
  const resource = (await (await fetch(metadataUrl)).json()) as {
    resource: string;
    authorization_servers: string[];
  };
  assert.equal(resource.resource, `${service.url}/mcp`);
  assert.deepEqual(resource.authorization_servers, [service.url]);
  const server = (await (
    await fetch(`${service.url}/.well-known/oauth-authorization-server`)
  ).json()) as Record<string, unknown>;
  assert.equal(server.issuer, service.url);
  assert.deepEqual(server.code_challenge_methods_supported, ['S256']);
  assert.deepEqual(server.token_endpoint_auth_methods_supported, ['none']);
  assert.equal(server.registration_endpoint, `${service.url}/api/auth/oauth/register`);
});

test("the SDK's client logs in through the service's own page, lists tools and calls one as the user", async () => {
  const { client, provider } = await connectWithOAuth('alice');
  const { tools } = await client.listTools();
  assert.ok(tools.some((t) => t.name === 'workflow_list'));
  const profile = await call(client, 'profile');
  assert.notEqual(profile.isError, true, text(profile));
  assert.match(text(profile), /"username": "alice"/);
  assert.ok(provider.saved?.refresh_token, 'a refresh token was issued');
  const claims = verifyAccessToken(
    await serviceKey(),
    provider.saved?.access_token ?? '',
    Math.floor(Date.now() / 1000),
  );
  assert.ok(claims.ok && claims.claims.osmo_session?.startsWith('oauth-'), 'the token names an OAuth grant');
  await client.close();
});

test("another user's workflow stays refused through an OAuth token", async () => {
  const bob = await apiCall(service.url, 'POST', '/api/auth/dev/login', null, { username: 'bob' });
  const bobToken = (JSON.parse(bob.text) as { token: string }).token;
  const spec =
    'workflow:\n  name: bobs\n  tasks:\n  - name: t\n    image: ubuntu\n    command: [sleep, "30"]\n';
  const submitted = await apiCall(service.url, 'POST', '/api/pool/default/workflow', bobToken, {
    file: spec,
  });
  assert.equal(submitted.status, 200, submitted.text);
  const id = (JSON.parse(submitted.text) as { name: string }).name;
  const { client } = await connectWithOAuth('alice');
  const own = await call(client, 'workflow_list', {});
  assert.notEqual(own.isError, true, text(own));
  assert.doesNotMatch(text(own), new RegExp(id));
  for (const tool of ['workflow_get', 'workflow_spec', 'workflow_cancel']) {
    const answer = await call(client, tool, { workflow_id: id });
    assert.equal(answer.isError, true, `${tool}: ${text(answer)}`);
    assert.doesNotMatch(text(answer), /sleep/);
  }
  await client.close();
  await apiCall(service.url, 'POST', `/api/workflow/${id}/cancel`, bobToken);
});

test('a wrong PKCE verifier is refused and uses the code up', async () => {
  const { clientId, code, verifier, redirectUri } = await codeByHand('alice');
  const wrong = await exchange({
    code,
    code_verifier: randomBytes(32).toString('base64url'),
    redirect_uri: redirectUri,
    client_id: clientId,
  });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error, 'invalid_grant');
  assert.match(String(wrong.body.error_description), /code_verifier/);
  const late = await exchange({
    code,
    code_verifier: verifier,
    redirect_uri: redirectUri,
    client_id: clientId,
  });
  assert.equal(late.body.error, 'invalid_grant');
});

test('a code used twice is refused the second time and the tokens it bought are revoked', async () => {
  const { clientId, code, verifier, redirectUri } = await codeByHand('alice');
  const fields = { code, code_verifier: verifier, redirect_uri: redirectUri, client_id: clientId };
  const first = await exchange(fields);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  const token = String(first.body.access_token);
  assert.equal((await rawMcp(token)).status, 200);
  const again = await exchange(fields);
  assert.equal(again.status, 400);
  assert.equal(again.body.error, 'invalid_grant');
  assert.match(String(again.body.error_description), /already used/);
  assert.equal((await rawMcp(token)).status, 401);
});

test('a redirect URI the client did not register, or off loopback over http, is refused', async () => {
  const foreign = await fetch(`${service.url}/api/auth/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ redirect_uris: ['http://agent.example.com/callback'] }),
  });
  assert.equal(foreign.status, 400);
  assert.equal(((await foreign.json()) as { error: string }).error, 'invalid_redirect_uri');
  const registered = await fetch(`${service.url}/api/auth/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ redirect_uris: [callbackUrl] }),
  });
  const clientId = ((await registered.json()) as { client_id: string }).client_id;
  const url = new URL(`${service.url}/api/auth/oauth/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: 'https://attacker.example/callback',
    code_challenge: s256Challenge(randomBytes(32).toString('base64url')),
    code_challenge_method: 'S256',
  }).toString();
  const page = await fetch(url, { redirect: 'manual' });
  assert.equal(page.status, 400);
  assert.equal(page.headers.get('location'), null);
  assert.match(await page.text(), /not one it registered/);
  // A forged client id (the registration altered) is not a client at all.
  const forged = clientId.replace(/\.[^.]+$/, '.AAAAAAAAAAAAAAAAAAAAAA');
  url.searchParams.set('client_id', forged);
  url.searchParams.set('redirect_uri', callbackUrl);
  assert.equal((await fetch(url, { redirect: 'manual' })).status, 400);
  // A code is bound to the redirect URI it was issued for.
  const bound = await codeByHand('alice');
  const other = await exchange({
    code: bound.code,
    code_verifier: bound.verifier,
    redirect_uri: `${callbackUrl}-other`,
    client_id: bound.clientId,
  });
  assert.equal(other.body.error, 'invalid_grant');
});

test('PKCE is S256 only, refused on the page, and a denial goes back to the client as access_denied', async () => {
  const provider = new MemoryProvider(callbackUrl);
  const transport = new StreamableHTTPClientTransport(mcpUrl(), { authProvider: provider });
  await assert.rejects(new Client({ name: 'agent', version: '1' }).connect(transport), UnauthorizedError);
  const plain = new URL(provider.pendingUrl?.href ?? '');
  plain.searchParams.set('code_challenge_method', 'plain');
  const refused = await fetch(plain, { redirect: 'manual' });
  // Refused on the page, never by a redirect: anyone may register an https redirect URI.
  assert.equal(refused.status, 400);
  assert.equal(refused.headers.get('location'), null);
  assert.match(await refused.text(), /S256/);
  const denied = await submitConsent(provider.pendingUrl?.href ?? '', 'alice', 'deny');
  assert.equal(denied.status, 302);
  const deniedBack = new URL(denied.headers.get('location') ?? '');
  assert.equal(deniedBack.searchParams.get('error'), 'access_denied');
  assert.equal(deniedBack.searchParams.get('state'), provider.stateValue);
});

async function serviceKey(): Promise<ReturnType<typeof importSigningKey>> {
  const stored = JSON.parse(await readFile(join(service.dataDir, 'service-key.json'), 'utf8')) as {
    kid: string;
    pem: string;
  };
  return importSigningKey(stored);
}

test('a revoked OAuth grant and an expired OAuth access token are refused', async () => {
  const { client, provider } = await connectWithOAuth('alice');
  const tokens = provider.saved;
  assert.ok(tokens?.refresh_token);
  // The refresh token gets a fresh access token while the grant stands.
  const refreshed = await fetch(
    `${service.url}/api/auth/token`,
    form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
  );
  assert.equal(refreshed.status, 200);
  // An access token of this grant past its expiry: the same claims, signed with the service's key.
  const key = await serviceKey();
  const verified = verifyAccessToken(key, tokens.access_token, Math.floor(Date.now() / 1000));
  assert.ok(verified.ok);
  const expired = signAccessToken(
    key,
    { user: 'alice', roles: verified.claims.roles, session: verified.claims.osmo_session ?? '' },
    Math.floor(Date.now() / 1000) - 3600,
    60,
  );
  const late = await rawMcp(expired);
  assert.equal(late.status, 401);
  assert.match(late.body, /expired/);
  assert.match(late.challenge, /error="invalid_token"/);
  // Revoked: the access token, the refresh token and the connected client all stop working.
  const revoked = await fetch(`${service.url}/api/auth/oauth/revoke`, form({ token: tokens.refresh_token }));
  assert.equal(revoked.status, 200);
  assert.equal((await rawMcp(tokens.access_token)).status, 401);
  const refresh = await fetch(
    `${service.url}/api/auth/token`,
    form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
  );
  assert.equal(refresh.status, 400);
  await assert.rejects(client.listTools(), UnauthorizedError);
});

test('outside dev mode the page asks for the password the service already checks', async () => {
  const password = 'correct horse battery staple';
  const strict = await startServiceProcess({
    dev: false,
    env: { OSMO_DEFAULT_ADMIN_USERNAME: 'root', OSMO_DEFAULT_ADMIN_PASSWORD: password },
  });
  try {
    const { url } = await registerAndAsk(strict.url);
    const noPassword = await submitConsent(url, 'root');
    assert.equal(noPassword.status, 401);
    assert.equal(noPassword.headers.get('location'), null);
    assert.match(await noPassword.text(), /Invalid username or password/);
    const wrong = await submitConsent(url, 'root', 'approve', 'not the password');
    assert.equal(wrong.status, 401);
    const { clientId, code, verifier, redirectUri } = await codeByHand('root', strict.url, password);
    const fields = { code, code_verifier: verifier, redirect_uri: redirectUri, client_id: clientId };
    const issued = await exchange(fields, strict.url);
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    assert.equal((await rawMcp(String(issued.body.access_token), strict.url)).status, 200);
  } finally {
    await strict.stop();
  }
});
