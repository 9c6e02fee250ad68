// Credentials: written encrypted, listed by name, type and profile only; payloads never leave.
import { z } from 'zod';
import { userError } from '../../core/index.js';
import { checkCredentialName, normaliseCredential } from '../../identity/index.js';
import type { CredentialVault } from '../../identity/index.js';
import type { Caller } from '../auth/caller.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { CredentialList } from '../contract/usage-wire.js';
import { Done } from '../contract/wire-registry.js';

const me = (caller: Caller | null): string => {
  if (caller === null) throw userError('access denied', 403);
  return caller.user;
};

export function credentialRoutes(deps: { readonly vault: CredentialVault }): RouteList {
  const named = z.object({ cred_name: z.string() });
  return [
    defineRoute({
      method: 'GET',
      url: '/api/credentials',
      operationId: 'listCredentials',
      response: CredentialList,
      summary: 'Your credentials: name, type and profile (payloads are never returned)',
      access: 'user',
      handler: async ({ caller }) => ({ credentials: await deps.vault.list(me(caller)) }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/credentials/:cred_name',
      operationId: 'setCredential',
      response: Done,
      summary: 'Store a REGISTRY, DATA or GENERIC credential, encrypted',
      access: 'user',
      params: named,
      body: z.record(z.string(), z.unknown()),
      handler: async ({ params, body, caller }) => {
        checkCredentialName(params.cred_name);
        await deps.vault.set(me(caller), params.cred_name, normaliseCredential(body));
        return null;
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/credentials/:cred_name',
      operationId: 'deleteCredential',
      response: CredentialList,
      summary: 'Delete one of your credentials',
      access: 'user',
      params: named,
      handler: async ({ params, caller }) => ({
        credentials: [await deps.vault.delete(me(caller), params.cred_name)],
      }),
    }),
  ];
}
