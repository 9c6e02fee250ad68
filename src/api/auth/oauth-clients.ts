// OAuth clients registered dynamically (RFC 7591): the client id is the signed registration itself, so the
// service keeps no client table and a client stays registered across restarts for as long as the key does.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { MAX_REDIRECT_URI_LENGTH, redirectUriRefusal } from '../../identity/index.js';
import type { SigningKey } from './jwt.js';

export const MAX_REDIRECT_URIS = 5;
const MAX_CLIENT_NAME_LENGTH = 100;
const CLIENT_ID_PREFIX = 'osmo-mcp.';

/** What a registered client is: what it called itself and where codes may be sent. */
export interface RegisteredClient {
  readonly clientId: string;
  readonly clientName: string;
  readonly redirectUris: readonly string[];
  readonly issuedAt: number;
}

const Payload = z.object({
  n: z.string().max(MAX_CLIENT_NAME_LENGTH),
  r: z.array(z.string().max(MAX_REDIRECT_URI_LENGTH)).min(1).max(MAX_REDIRECT_URIS),
  t: z.number().int(),
});

/** The registration request fields this service reads; the rest of RFC 7591's metadata is ignored. */
export const ClientRegistrationRequest = z.looseObject({
  redirect_uris: z.array(z.string()).optional(),
  client_name: z.string().optional(),
  token_endpoint_auth_method: z.string().optional(),
  grant_types: z.array(z.string()).optional(),
  response_types: z.array(z.string()).optional(),
});
export type ClientRegistrationRequest = z.infer<typeof ClientRegistrationRequest>;

/** An RFC 7591 refusal: `invalid_redirect_uri` or `invalid_client_metadata`. */
export class RegistrationRefused extends Error {
  constructor(
    readonly error: 'invalid_redirect_uri' | 'invalid_client_metadata',
    message: string,
  ) {
    super(message);
  }
}

const GRANTS = new Set(['authorization_code', 'refresh_token']);

export interface ClientRegistry {
  register(request: ClientRegistrationRequest, nowSeconds: number): RegisteredClient;
  /** The client a client id names, or null when it was not issued by this service's key. */
  resolve(clientId: string): RegisteredClient | null;
}

export function clientRegistry(key: SigningKey): ClientRegistry {
  // A key of its own, derived from the signing key: a client id can never pass for anything else.
  const secret = Buffer.from(
    hkdfSync(
      'sha256',
      key.privateKey.export({ type: 'pkcs8', format: 'der' }),
      'osmo',
      'oauth-client-id',
      32,
    ),
  );
  const mac = (body: string): Buffer => createHmac('sha256', secret).update(body).digest().subarray(0, 16);
  return {
    register(request, nowSeconds) {
      const uris = request.redirect_uris ?? [];
      if (uris.length === 0)
        throw new RegistrationRefused('invalid_redirect_uri', 'redirect_uris is required');
      if (uris.length > MAX_REDIRECT_URIS) {
        throw new RegistrationRefused('invalid_redirect_uri', `at most ${MAX_REDIRECT_URIS} redirect_uris`);
      }
      for (const uri of uris) {
        const refusal = redirectUriRefusal(uri);
        if (refusal !== null) throw new RegistrationRefused('invalid_redirect_uri', `${uri}: ${refusal}`);
      }
      const unsupported = (request.grant_types ?? []).filter((g) => !GRANTS.has(g));
      if (unsupported.length > 0) {
        throw new RegistrationRefused(
          'invalid_client_metadata',
          `unsupported grant_types: ${unsupported.join(', ')} (authorization_code and refresh_token only)`,
        );
      }
      if ((request.response_types ?? ['code']).some((t) => t !== 'code')) {
        throw new RegistrationRefused('invalid_client_metadata', 'response_types may only be code');
      }
      const name = (request.client_name ?? '').trim().slice(0, MAX_CLIENT_NAME_LENGTH) || 'unnamed client';
      const body = Buffer.from(JSON.stringify({ n: name, r: uris, t: nowSeconds })).toString('base64url');
      const clientId = `${CLIENT_ID_PREFIX}${body}.${mac(body).toString('base64url')}`;
      return { clientId, clientName: name, redirectUris: uris, issuedAt: nowSeconds };
    },
    resolve(clientId) {
      if (!clientId.startsWith(CLIENT_ID_PREFIX)) return null;
      const [body, tag, ...rest] = clientId.slice(CLIENT_ID_PREFIX.length).split('.');
      if (body === undefined || tag === undefined || rest.length > 0) return null;
      const given = Buffer.from(tag, 'base64url');
      const want = mac(body);
      if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
      const parsed = Payload.safeParse(parseJson(Buffer.from(body, 'base64url').toString('utf8')));
      if (!parsed.success) return null;
      return { clientId, clientName: parsed.data.n, redirectUris: parsed.data.r, issuedAt: parsed.data.t };
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // A signed body is always JSON; anything else is simply not a client of ours.
    return null;
  }
}
